// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC1155} from "@openzeppelin/contracts/token/ERC1155/ERC1155.sol";
import {ERC1155Supply} from "@openzeppelin/contracts/token/ERC1155/extensions/ERC1155Supply.sol";
import {ERC2981} from "@openzeppelin/contracts/token/common/ERC2981.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Time} from "@openzeppelin/contracts/utils/types/Time.sol";
import {IERC6372} from "@openzeppelin/contracts/interfaces/IERC6372.sol";
import {IModelShares} from "../interfaces/IModelShares.sol";

/// @title ModelShares
/// @notice ERC-1155 shares of AI models with a per-model fee pool (pull payments) and per-model checkpointed votes.
///         One payment ERC-20 per deployment. See {IModelShares} for the dust bound and the delegation default.
/// @dev Fee accounting is the "magnified dividend per share" scheme: `magnifiedPerShare` grows on every deposit and
///      each (id, account) keeps an int256 correction, adjusted in `_update`, such that
///      `magnifiedPerShare * balance + correction` is the account's magnified entitlement, which a transfer never
///      changes. Fee-on-transfer and rebasing payment tokens are not supported.
contract ModelShares is IModelShares, ERC1155Supply, ERC2981, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using Checkpoints for Checkpoints.Trace208;

    /// @notice Fixed-point magnitude of the fee-per-share accumulator.
    uint256 public constant MAGNITUDE = 2 ** 128;
    /// @notice Largest share supply of one model (keeps the carry below one base unit and votes within uint208).
    uint256 public constant MAX_SUPPLY = type(uint128).max;
    /// @notice Largest cumulative fee amount one model may ever receive (keeps `magnifiedPerShare * supply` < 2**255).
    uint256 public constant MAX_CUMULATIVE_FEES = 2 ** 127 - 1;
    /// @notice Largest royalty rate, in basis points (25%).
    uint96 public constant MAX_ROYALTY_BPS = 2_500;
    /// @notice Basis-point denominator.
    uint16 public constant BPS = 10_000;

    struct Model {
        // slot 0: read by the escrow on every settle
        address admin;
        uint16 feeShareBps;
        uint48 createdAt;
        // slot 1
        address creator;
        uint96 royaltyBps;
        // slot 2
        uint256 pricePerRequest;
        // slot 3..
        string manifestCid;
    }

    struct FeePool {
        uint256 magnifiedPerShare;
        uint128 carry;
        uint128 totalDeposited;
    }

    IERC20 private immutable _paymentToken;
    /// @notice Human-readable collection name.
    string public name;

    uint256 private _modelCount;
    mapping(uint256 id => Model) private _models;
    mapping(uint256 id => FeePool) private _pools;
    mapping(uint256 id => mapping(address account => int256)) private _corrections;
    mapping(uint256 id => mapping(address account => uint256)) private _claimed;
    mapping(uint256 id => mapping(address account => address)) private _delegatee;
    mapping(uint256 id => mapping(address delegatee => Checkpoints.Trace208)) private _votes;

    /// @param paymentToken_ The single ERC-20 in which fees are paid (no fee-on-transfer / rebasing tokens).
    /// @param name_ Collection name, informational.
    constructor(IERC20 paymentToken_, string memory name_) ERC1155("") {
        if (address(paymentToken_) == address(0)) revert ModelSharesInvalidPaymentToken();
        _paymentToken = paymentToken_;
        name = name_;
    }

    modifier onlyAdmin(uint256 id) {
        address admin = _models[id].admin;
        if (admin == address(0)) revert ModelSharesUnknownModel(id);
        if (admin != msg.sender) revert ModelSharesUnauthorized(id, msg.sender);
        _;
    }

    // ------------------------------------------------------------------ models

    /// @inheritdoc IModelShares
    function createModel(
        string calldata manifestCid_,
        uint256 supply,
        uint96 royaltyBps_,
        uint16 feeShareBps_,
        uint256 pricePerRequest_
    ) external returns (uint256 id) {
        if (bytes(manifestCid_).length == 0) revert ModelSharesEmptyManifest();
        if (supply == 0 || supply > MAX_SUPPLY) revert ModelSharesInvalidSupply(supply, MAX_SUPPLY);
        if (royaltyBps_ > MAX_ROYALTY_BPS) revert ModelSharesInvalidBps(royaltyBps_, MAX_ROYALTY_BPS);
        if (feeShareBps_ > BPS) revert ModelSharesInvalidBps(feeShareBps_, BPS);

        id = ++_modelCount;
        _models[id] = Model({
            admin: msg.sender,
            feeShareBps: feeShareBps_,
            createdAt: clock(),
            creator: msg.sender,
            royaltyBps: royaltyBps_,
            pricePerRequest: pricePerRequest_,
            manifestCid: manifestCid_
        });
        _setTokenRoyalty(id, msg.sender, royaltyBps_);
        emit ModelCreated(id, msg.sender, manifestCid_, supply, royaltyBps_, feeShareBps_, pricePerRequest_);
        emit AdminChanged(id, address(0), msg.sender);
        // Mint last: the receiver hook (creator may be a contract) runs after all state is written.
        _mint(msg.sender, id, supply, "");
    }

    /// @inheritdoc IModelShares
    function setAdmin(uint256 id, address newAdmin) external onlyAdmin(id) {
        if (newAdmin == address(0)) revert ModelSharesZeroAddress();
        emit AdminChanged(id, msg.sender, newAdmin);
        _models[id].admin = newAdmin;
    }

    /// @inheritdoc IModelShares
    function setFeeShareBps(uint256 id, uint16 feeShareBps_) external onlyAdmin(id) {
        if (feeShareBps_ > BPS) revert ModelSharesInvalidBps(feeShareBps_, BPS);
        _models[id].feeShareBps = feeShareBps_;
        emit FeeShareChanged(id, feeShareBps_);
    }

    /// @inheritdoc IModelShares
    function setPricePerRequest(uint256 id, uint256 pricePerRequest_) external onlyAdmin(id) {
        _models[id].pricePerRequest = pricePerRequest_;
        emit PriceChanged(id, pricePerRequest_);
    }

    /// @inheritdoc IModelShares
    function setRoyaltyReceiver(uint256 id, address receiver) external onlyAdmin(id) {
        if (receiver == address(0)) revert ModelSharesZeroAddress();
        _setTokenRoyalty(id, receiver, _models[id].royaltyBps);
        emit RoyaltyReceiverChanged(id, receiver);
    }

    /// @inheritdoc IModelShares
    function paymentToken() external view returns (IERC20) {
        return _paymentToken;
    }

    /// @inheritdoc IModelShares
    function modelCount() external view returns (uint256) {
        return _modelCount;
    }

    /// @inheritdoc IModelShares
    function creatorOf(uint256 id) external view returns (address) {
        return _models[id].creator;
    }

    /// @inheritdoc IModelShares
    function adminOf(uint256 id) external view returns (address) {
        return _models[id].admin;
    }

    /// @inheritdoc IModelShares
    function feeShareBps(uint256 id) external view returns (uint16) {
        Model storage m = _models[id];
        if (m.admin == address(0)) revert ModelSharesUnknownModel(id);
        return m.feeShareBps;
    }

    /// @inheritdoc IModelShares
    function pricePerRequest(uint256 id) external view returns (uint256) {
        return _models[id].pricePerRequest;
    }

    /// @inheritdoc IModelShares
    function royaltyBps(uint256 id) external view returns (uint96) {
        return _models[id].royaltyBps;
    }

    /// @inheritdoc IModelShares
    function manifestCid(uint256 id) external view returns (string memory) {
        return _models[id].manifestCid;
    }

    /// @notice Metadata URI of model `id`: `ipfs://<manifestCid>`. Reverts for unknown ids.
    /// @param id Model id.
    function uri(uint256 id) public view override returns (string memory) {
        if (_models[id].admin == address(0)) revert ModelSharesUnknownModel(id);
        return string.concat("ipfs://", _models[id].manifestCid);
    }

    // -------------------------------------------------------------------- fees

    /// @inheritdoc IModelShares
    function depositFees(uint256 id, uint256 amount) external nonReentrant {
        if (amount == 0) revert ModelSharesZeroAmount();
        uint256 supply = totalSupply(id);
        if (supply == 0) revert ModelSharesUnknownModel(id);
        FeePool storage pool = _pools[id];
        uint256 cumulative = pool.totalDeposited + amount;
        if (cumulative > MAX_CUMULATIVE_FEES) revert ModelSharesFeeCapExceeded(id, cumulative, MAX_CUMULATIVE_FEES);
        // amount <= MAX_CUMULATIVE_FEES < 2**127, so amount * 2**128 + carry < 2**255 cannot overflow.
        uint256 magnified = amount * MAGNITUDE + pool.carry;
        pool.magnifiedPerShare += magnified / supply;
        // Both fit: carry < supply <= MAX_SUPPLY = 2**128 - 1 and cumulative <= MAX_CUMULATIVE_FEES.
        // forge-lint: disable-next-line(unsafe-typecast)
        pool.carry = uint128(magnified % supply);
        // forge-lint: disable-next-line(unsafe-typecast)
        pool.totalDeposited = uint128(cumulative);
        emit FeesDeposited(id, msg.sender, amount);
        _paymentToken.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IModelShares
    function claimable(uint256 id, address account) public view returns (uint256) {
        return _accumulated(id, account) - _claimed[id][account];
    }

    /// @inheritdoc IModelShares
    function claimed(uint256 id, address account) external view returns (uint256) {
        return _claimed[id][account];
    }

    /// @inheritdoc IModelShares
    function feePool(uint256 id) external view returns (uint256 totalDeposited, uint256 carry) {
        FeePool storage pool = _pools[id];
        return (pool.totalDeposited, pool.carry);
    }

    /// @inheritdoc IModelShares
    function claim(uint256 id) external nonReentrant returns (uint256 amount) {
        amount = _settleClaim(id, msg.sender);
        if (amount != 0) _paymentToken.safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IModelShares
    function claimMany(uint256[] calldata ids) external nonReentrant returns (uint256 total) {
        for (uint256 i; i < ids.length; ++i) {
            total += _settleClaim(ids[i], msg.sender);
        }
        if (total != 0) _paymentToken.safeTransfer(msg.sender, total);
    }

    /// @dev Books the claim of `account` on `id` (effects only) and returns the amount owed.
    function _settleClaim(uint256 id, address account) private returns (uint256 amount) {
        uint256 already = _claimed[id][account];
        amount = _accumulated(id, account) - already;
        if (amount != 0) {
            _claimed[id][account] = already + amount;
            emit FeesClaimed(id, account, amount);
        }
    }

    /// @dev Total fees of `id` ever earned by `account` (claimed or not), rounded down.
    function _accumulated(uint256 id, address account) private view returns (uint256) {
        int256 magnified = SafeCast.toInt256(_pools[id].magnifiedPerShare * balanceOf(account, id)) +
            _corrections[id][account];
        // The entitlement is non-negative by construction: corrections only ever offset, at the accumulator value of
        // the moment, shares that moved in or out, so the sum is the (non-negative) magnified fees earned.
        // forge-lint: disable-next-line(unsafe-typecast)
        return uint256(magnified) / MAGNITUDE;
    }

    // ------------------------------------------------------------------- votes

    /// @inheritdoc IERC6372
    function clock() public view returns (uint48) {
        return Time.blockNumber();
    }

    /// @inheritdoc IERC6372
    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() external pure returns (string memory) {
        return "mode=blocknumber&from=default";
    }

    /// @inheritdoc IModelShares
    function delegate(uint256 id, address delegatee) external {
        if (_models[id].admin == address(0)) revert ModelSharesUnknownModel(id);
        address account = msg.sender;
        address oldDelegate = delegates(id, account);
        address newDelegate = delegatee == address(0) ? account : delegatee;
        // Self-delegation is the default and is stored as zero (no storage cost for the common case).
        _delegatee[id][account] = newDelegate == account ? address(0) : newDelegate;
        emit DelegateChanged(id, account, oldDelegate, newDelegate);
        _moveVotes(id, oldDelegate, newDelegate, balanceOf(account, id));
    }

    /// @inheritdoc IModelShares
    function delegates(uint256 id, address account) public view returns (address) {
        address d = _delegatee[id][account];
        return d == address(0) ? account : d;
    }

    /// @inheritdoc IModelShares
    function getVotes(uint256 id, address account) external view returns (uint256) {
        return _votes[id][account].latest();
    }

    /// @inheritdoc IModelShares
    function getPastVotes(uint256 id, address account, uint256 timepoint) external view returns (uint256) {
        return _votes[id][account].upperLookupRecent(_validatePastTimepoint(timepoint));
    }

    /// @inheritdoc IModelShares
    function getPastTotalSupply(uint256 id, uint256 timepoint) external view returns (uint256) {
        uint48 t = _validatePastTimepoint(timepoint);
        uint48 createdAt = _models[id].createdAt;
        // Supply is fixed at creation: the whole supply exists from the creation block on.
        return createdAt != 0 && t >= createdAt ? totalSupply(id) : 0;
    }

    function _validatePastTimepoint(uint256 timepoint) private view returns (uint48) {
        uint48 current = clock();
        if (timepoint >= current) revert ModelSharesFutureLookup(timepoint, current);
        // timepoint < current <= type(uint48).max, so the cast is lossless.
        // forge-lint: disable-next-line(unsafe-typecast)
        return uint48(timepoint);
    }

    function _moveVotes(uint256 id, address from, address to, uint256 amount) private {
        if (from == to || amount == 0) return;
        uint48 now_ = clock();
        // amount <= supply <= MAX_SUPPLY < 2**208: vote arithmetic below cannot leave uint208.
        // forge-lint: disable-next-line(unsafe-typecast)
        uint208 delta = uint208(amount);
        if (from != address(0)) {
            Checkpoints.Trace208 storage trace = _votes[id][from];
            uint208 prev = trace.latest();
            trace.push(now_, prev - delta);
            emit DelegateVotesChanged(id, from, prev, prev - delta);
        }
        if (to != address(0)) {
            Checkpoints.Trace208 storage trace = _votes[id][to];
            uint208 prev = trace.latest();
            trace.push(now_, prev + delta);
            emit DelegateVotesChanged(id, to, prev, prev + delta);
        }
    }

    // ------------------------------------------------------------------- hooks

    /// @dev Runs OZ's balance/supply update first, then keeps fee corrections and votes in step with balances.
    ///      Supply only grows through `createModel` (the accumulator of a fresh id is zero) and never shrinks.
    function _update(address from, address to, uint256[] memory ids, uint256[] memory values) internal override {
        super._update(from, to, ids, values);
        if (from == to) return;
        for (uint256 i; i < ids.length; ++i) {
            uint256 id = ids[i];
            uint256 value = values[i];
            uint256 mps = _pools[id].magnifiedPerShare;
            if (mps != 0 && value != 0) {
                // mps * value <= mps * supply < 2**255 (see MAX_CUMULATIVE_FEES), so the int256 cast is lossless.
                // forge-lint: disable-next-line(unsafe-typecast)
                int256 correction = int256(mps * value);
                if (from != address(0)) _corrections[id][from] += correction;
                if (to != address(0)) _corrections[id][to] -= correction;
            }
            _moveVotes(
                id,
                from == address(0) ? address(0) : delegates(id, from),
                to == address(0) ? address(0) : delegates(id, to),
                value
            );
        }
    }

    /// @notice ERC-165: ERC-1155, ERC-1155 metadata, ERC-2981 and IModelShares.
    /// @param interfaceId Interface identifier.
    function supportsInterface(bytes4 interfaceId) public view override(ERC1155, ERC2981) returns (bool) {
        return
            interfaceId == type(IModelShares).interfaceId ||
            ERC1155.supportsInterface(interfaceId) ||
            ERC2981.supportsInterface(interfaceId);
    }
}
