// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ModelShares} from "../shares/ModelShares.sol";
import {INodeSlasher} from "../interfaces/INodeSlasher.sol";

/// @title NodeRegistry
/// @notice Serving nodes per model: an operator registers an endpoint and a price list for a model, with a stake in
///         the payment token; it may update them, and unregister with an unbonding period before its stake returns
///         (so a challenge can still reach a node that just left). Its slasher (ReceiptChallenges), fixed at
///         deployment, can slash a stake, registered or unbonding, and freezes its withdrawal while a dispute over
///         the node is open.
contract NodeRegistry is ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using EnumerableSet for EnumerableSet.AddressSet;

    /// @notice Prices in payment-token base units.
    struct Prices {
        uint128 perRequest;
        uint128 perOutputToken;
    }

    /// @notice One operator's registration for one model.
    struct Registration {
        uint128 stake;
        uint48 unbondingEnd; // 0 while registered
        Prices prices;
        string endpoint;
    }

    /// @notice Seconds between `unregister` and `withdrawStake`.
    uint48 public constant UNBONDING_PERIOD = 7 days;
    /// @notice Longest endpoint URL, in bytes.
    uint256 public constant MAX_ENDPOINT_LENGTH = 256;

    /// @notice The model shares (models must exist there).
    ModelShares public immutable shares;
    /// @notice The staking token (`shares.paymentToken()`).
    IERC20 public immutable stakeToken;
    /// @notice Smallest stake a registration needs.
    uint256 public immutable minStake;
    /// @notice The only account that may slash (zero: stakes are never slashed).
    INodeSlasher public immutable slasher;

    mapping(uint256 modelId => mapping(address operator => Registration)) private _registrations;
    mapping(uint256 modelId => EnumerableSet.AddressSet) private _active;

    /// @notice `operator` registered for `modelId`.
    event NodeRegistered(uint256 indexed modelId, address indexed operator, string endpoint, Prices prices, uint256 stake);
    /// @notice `operator` changed its endpoint or prices for `modelId`.
    event NodeUpdated(uint256 indexed modelId, address indexed operator, string endpoint, Prices prices);
    /// @notice `operator` added `amount` to its stake for `modelId`.
    event StakeAdded(uint256 indexed modelId, address indexed operator, uint256 amount);
    /// @notice `operator` left `modelId`; its stake returns from `unbondingEnd`.
    event NodeUnregistered(uint256 indexed modelId, address indexed operator, uint48 unbondingEnd);
    /// @notice `operator` took back its stake for `modelId`.
    event StakeWithdrawn(uint256 indexed modelId, address indexed operator, uint256 amount);
    /// @notice The slasher took `amount` of `operator`'s stake for `modelId`, sent to `to`.
    event StakeSlashed(uint256 indexed modelId, address indexed operator, uint256 amount, address to);

    /// @notice The model does not exist.
    error NodeRegistryUnknownModel(uint256 modelId);
    /// @notice The operator is registered for the model already (or still unbonding from it).
    error NodeRegistryAlreadyRegistered(uint256 modelId, address operator);
    /// @notice The operator is not registered for the model.
    error NodeRegistryNotRegistered(uint256 modelId, address operator);
    /// @notice The stake is below the minimum.
    error NodeRegistryStakeTooLow(uint256 stake, uint256 minStake);
    /// @notice The endpoint is empty or longer than `MAX_ENDPOINT_LENGTH`.
    error NodeRegistryInvalidEndpoint(uint256 length);
    /// @notice The stake is unbonding until `unbondingEnd`, or the node never unregistered.
    error NodeRegistryNotUnbonded(uint256 modelId, address operator, uint256 unbondingEnd);
    /// @notice Only the slasher may slash.
    error NodeRegistryNotSlasher(address caller);
    /// @notice `openChallenges` disputes over the operator on the model are open; its stake cannot leave until they end.
    error NodeRegistryStakeFrozen(uint256 modelId, address operator, uint256 openChallenges);

    /// @param shares_ The ModelShares deployment; its payment token is the stake token.
    /// @param minStake_ Smallest stake per registration.
    /// @param slasher_ The slasher (ReceiptChallenges, deployed first). Its deployer then binds it to this registry
    ///        (`ReceiptChallenges.bindRegistry`, accepted once, only from its deployer and only for a registry naming
    ///        it), so a registry and its slasher always name each other and no stranger can take the slasher.
    ///        Zero: no slasher.
    constructor(ModelShares shares_, uint256 minStake_, INodeSlasher slasher_) {
        shares = shares_;
        stakeToken = shares_.paymentToken();
        minStake = minStake_;
        slasher = slasher_;
    }

    /// @notice Registers the caller as a node for `modelId`, pulling `stake` (allowance required).
    /// @param modelId An existing model.
    /// @param endpoint The node's base URL (e.g. `https://node.example/v1`), 1..MAX_ENDPOINT_LENGTH bytes.
    /// @param prices The node's price list.
    /// @param stake Stake in the payment token, at least `minStake`.
    function register(uint256 modelId, string calldata endpoint, Prices calldata prices, uint256 stake)
        external
        nonReentrant
    {
        if (shares.adminOf(modelId) == address(0)) revert NodeRegistryUnknownModel(modelId);
        Registration storage r = _registrations[modelId][msg.sender];
        if (r.stake != 0) revert NodeRegistryAlreadyRegistered(modelId, msg.sender);
        if (stake < minStake || stake == 0) revert NodeRegistryStakeTooLow(stake, minStake);
        _checkEndpoint(endpoint);
        r.stake = SafeCast.toUint128(stake);
        r.prices = prices;
        r.endpoint = endpoint;
        _active[modelId].add(msg.sender);
        emit NodeRegistered(modelId, msg.sender, endpoint, prices, stake);
        stakeToken.safeTransferFrom(msg.sender, address(this), stake);
    }

    /// @notice Changes the caller's endpoint and prices for `modelId`.
    /// @param modelId A model the caller is registered for.
    /// @param endpoint New base URL.
    /// @param prices New price list.
    function update(uint256 modelId, string calldata endpoint, Prices calldata prices) external {
        Registration storage r = _registered(modelId);
        _checkEndpoint(endpoint);
        r.prices = prices;
        r.endpoint = endpoint;
        emit NodeUpdated(modelId, msg.sender, endpoint, prices);
    }

    /// @notice Adds `amount` to the caller's stake for `modelId` (allowance required).
    /// @param modelId A model the caller is registered for.
    /// @param amount Amount to add.
    function addStake(uint256 modelId, uint256 amount) external nonReentrant {
        Registration storage r = _registered(modelId);
        r.stake = SafeCast.toUint128(uint256(r.stake) + amount);
        emit StakeAdded(modelId, msg.sender, amount);
        stakeToken.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @notice Leaves `modelId`; the stake can be withdrawn after `UNBONDING_PERIOD`.
    /// @param modelId A model the caller is registered for.
    function unregister(uint256 modelId) external {
        Registration storage r = _registered(modelId);
        uint48 end = uint48(block.timestamp) + UNBONDING_PERIOD;
        r.unbondingEnd = end;
        _active[modelId].remove(msg.sender);
        emit NodeUnregistered(modelId, msg.sender, end);
    }

    /// @notice Pays the caller's stake for `modelId` back once unbonded, and forgets the registration.
    /// @param modelId A model the caller unregistered from.
    /// @return amount The stake returned.
    function withdrawStake(uint256 modelId) external nonReentrant returns (uint256 amount) {
        Registration storage r = _registrations[modelId][msg.sender];
        uint256 end = r.unbondingEnd;
        if (r.stake == 0) revert NodeRegistryNotRegistered(modelId, msg.sender);
        if (end == 0 || block.timestamp < end) revert NodeRegistryNotUnbonded(modelId, msg.sender, end);
        if (address(slasher) != address(0)) {
            uint256 open = slasher.openChallenges(modelId, msg.sender);
            if (open != 0) revert NodeRegistryStakeFrozen(modelId, msg.sender, open);
        }
        amount = r.stake;
        delete _registrations[modelId][msg.sender];
        emit StakeWithdrawn(modelId, msg.sender, amount);
        stakeToken.safeTransfer(msg.sender, amount);
    }

    /// @notice Takes up to `amount` of `operator`'s stake for `modelId` (registered or unbonding) and sends it to `to`.
    ///         Slasher only. A registration left with no stake is forgotten; one left below `minStake` is unregistered
    ///         (its unbonding starts). Slashing a node without stake takes nothing.
    /// @param modelId The model.
    /// @param operator The node.
    /// @param amount The most to take.
    /// @param to Receiver of the slashed stake.
    /// @return slashed `min(amount, stake)`.
    function slash(uint256 modelId, address operator, uint256 amount, address to)
        external
        nonReentrant
        returns (uint256 slashed)
    {
        if (msg.sender != address(slasher) || msg.sender == address(0)) revert NodeRegistryNotSlasher(msg.sender);
        Registration storage r = _registrations[modelId][operator];
        uint256 stake = r.stake;
        slashed = amount < stake ? amount : stake;
        if (slashed == 0) return 0;
        // slashed <= stake, and stake fits uint128.
        uint128 left;
        unchecked {
            left = uint128(stake - slashed);
        }
        if (left == 0) {
            delete _registrations[modelId][operator];
            _active[modelId].remove(operator);
        } else {
            r.stake = left;
            if (r.unbondingEnd == 0 && left < minStake) {
                uint48 end = uint48(block.timestamp) + UNBONDING_PERIOD;
                r.unbondingEnd = end;
                _active[modelId].remove(operator);
                emit NodeUnregistered(modelId, operator, end);
            }
        }
        emit StakeSlashed(modelId, operator, slashed, to);
        stakeToken.safeTransfer(to, slashed);
    }

    /// @notice `operator`'s stake for `modelId`, registered or unbonding (0: none).
    function stakeOf(uint256 modelId, address operator) external view returns (uint256) {
        return _registrations[modelId][operator].stake;
    }

    /// @notice The operators registered (not unbonding) for `modelId`.
    function operatorsOf(uint256 modelId) external view returns (address[] memory) {
        return _active[modelId].values();
    }

    /// @notice `operator`'s registration for `modelId` (stake 0: none).
    function registration(uint256 modelId, address operator) external view returns (Registration memory) {
        return _registrations[modelId][operator];
    }

    function _registered(uint256 modelId) private view returns (Registration storage r) {
        r = _registrations[modelId][msg.sender];
        if (r.stake == 0 || r.unbondingEnd != 0) revert NodeRegistryNotRegistered(modelId, msg.sender);
    }

    function _checkEndpoint(string calldata endpoint) private pure {
        uint256 length = bytes(endpoint).length;
        if (length == 0 || length > MAX_ENDPOINT_LENGTH) revert NodeRegistryInvalidEndpoint(length);
    }
}
