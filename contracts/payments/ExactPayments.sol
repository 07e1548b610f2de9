// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ModelShares} from "../shares/ModelShares.sol";

/// @notice The EIP-3009 functions a payment token must have for x402's `exact` scheme.
interface IEIP3009 {
    /// @notice Moves `value` from `from` to `to` with `from`'s signature.
    function transferWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        bytes calldata signature
    ) external;

    /// @notice Whether `nonce` of `authorizer` was used or cancelled.
    function authorizationState(address authorizer, bytes32 nonce) external view returns (bool);
}

/// @title ExactReceiver
/// @notice One operator's `payTo` address for x402 `exact` payments (EIP-3009 `transferWithAuthorization`) for ONE
///         model. A stock client signs a transfer to this address only (no model, no operator in the signature), so
///         the address itself names both: each (operator, model) pair gets its own receiver, a clone whose immutable
///         arguments are the operator and the model. Nobody but the operator can settle an authorization that pays
///         it, and a settlement can only be booked for the receiver's model: an operator serving model X cannot book
///         X's payments under a zero-fee model of its own. Settling moves the money in and splits it in one
///         transaction: the holders' fee into the model's pool, the rest to the operator's earnings. If someone
///         front-runs the authorization straight on the token, the money is here already and `settle` books it from
///         the unbooked balance instead, so the front-run makes nobody lose it.
contract ExactReceiver is ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    uint256 private constant _BPS = 10_000;

    /// @notice The factory that created this receiver.
    ExactPayments public immutable factory;
    ModelShares private immutable _shares;
    IERC20 private immutable _token;

    /// @notice Earnings the operator can withdraw.
    uint256 public earnings;
    /// @notice Fees held because the model's pool reached its lifetime cap.
    uint256 public unpooledFees;
    /// @notice Cumulative `exact` payments booked (fees are computed on it: no rounding leak).
    uint256 public received;
    mapping(address from => mapping(bytes32 nonce => bool)) private _booked;

    /// @notice An authorization of `value` from `from` was booked for `modelId`.
    event ExactSettled(uint256 indexed modelId, address indexed from, bytes32 nonce, uint256 value, uint256 fee, bool frontRun);
    /// @notice The operator withdrew `amount`.
    event EarningsWithdrawn(address indexed to, uint256 amount);
    /// @notice The admin of `modelId` swept `amount` of held fees to `to`.
    event UnpooledFeesSwept(uint256 indexed modelId, address indexed to, uint256 amount);

    /// @notice Only the operator may call this.
    error ExactNotOperator(address caller);
    /// @notice This authorization was booked already.
    error ExactAlreadyBooked(address from, bytes32 nonce);
    /// @notice The authorization's nonce is used but its money is not here (it was cancelled, not transferred).
    error ExactNotReceived(address from, bytes32 nonce, uint256 value, uint256 unbooked);
    /// @notice The receiver was initialized already.
    error ExactAlreadyInitialized();
    /// @notice Nothing to withdraw.
    error ExactNothingToWithdraw();
    /// @notice Only the model's admin may sweep its held fees.
    error ExactNotModelAdmin(uint256 modelId, address caller);

    /// @param shares_ The ModelShares deployment (its payment token is the one received).
    constructor(ModelShares shares_) {
        factory = ExactPayments(msg.sender);
        _shares = shares_;
        _token = shares_.paymentToken();
    }

    /// @notice Lets the model's fee pool pull fees from this receiver. Called once by the factory, on creation.
    function initialize() external {
        if (msg.sender != address(factory) || _token.allowance(address(this), address(_shares)) != 0) {
            revert ExactAlreadyInitialized();
        }
        _token.forceApprove(address(_shares), type(uint256).max);
    }

    /// @notice The operator this receiver is for (an immutable argument of the clone).
    function operator() public view returns (address operator_) {
        (operator_,) = _args();
    }

    /// @notice The model every payment to this receiver is booked for (an immutable argument of the clone).
    function modelId() public view returns (uint256 modelId_) {
        (, modelId_) = _args();
    }

    /// @dev The clone's immutable arguments, `abi.encode(operator, modelId)` (see {ExactPayments-createReceiver}).
    function _args() private view returns (address operator_, uint256 modelId_) {
        return abi.decode(Clones.fetchCloneArgs(address(this)), (address, uint256));
    }

    /// @notice Receives an `exact` payment for this receiver's model and splits it at the model's current fee share.
    /// @param from Payer.
    /// @param value Amount.
    /// @param validAfter Authorization start.
    /// @param validBefore Authorization end.
    /// @param nonce Authorization nonce.
    /// @param signature The payer's signature (for the token).
    /// @return fee The holders' part.
    function settle(
        address from,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        bytes calldata signature
    ) external nonReentrant returns (uint256 fee) {
        (address operator_, uint256 modelId_) = _args();
        if (msg.sender != operator_) revert ExactNotOperator(msg.sender);
        IERC20 token = _token;
        // The token's nonce state is the replay guard of the normal path. A used nonce is either a front-run (the
        // money is here, unbooked), a cancellation (it is not), or a replay (booked already: nothing unbooked is
        // left for it unless another front-run's money is waiting, which is then booked once, under this call).
        bool frontRun = IEIP3009(address(token)).authorizationState(from, nonce);
        if (frontRun) {
            if (_booked[from][nonce]) revert ExactAlreadyBooked(from, nonce);
            _booked[from][nonce] = true;
            uint256 unbooked = token.balanceOf(address(this)) - earnings - unpooledFees;
            if (unbooked < value) revert ExactNotReceived(from, nonce, value, unbooked);
        } else {
            IEIP3009(address(token)).transferWithAuthorization(
                from, address(this), value, validAfter, validBefore, nonce, signature
            );
        }
        fee = _split(modelId_, value);
        emit ExactSettled(modelId_, from, nonce, value, fee, frontRun);
    }

    /// @dev Books `value` for `modelId_`: the fee (on cumulative amounts) into the pool, the rest to earnings.
    function _split(uint256 modelId_, uint256 value) private returns (uint256 fee) {
        uint256 bps = _shares.feeShareBps(modelId_);
        uint256 before = received;
        uint256 reached = before + value;
        received = reached;
        fee = (reached * bps) / _BPS - (before * bps) / _BPS;
        earnings += value - fee;
        if (fee != 0) {
            uint256 accepted = _shares.depositFeesUpTo(modelId_, fee);
            if (accepted != fee) unpooledFees += fee - accepted;
        }
    }

    /// @notice Pays the operator's earnings to `to`. Operator only.
    /// @param to Receiver.
    /// @return amount The amount paid.
    function withdrawEarnings(address to) external nonReentrant returns (uint256 amount) {
        if (msg.sender != operator()) revert ExactNotOperator(msg.sender);
        amount = earnings;
        if (amount == 0) revert ExactNothingToWithdraw();
        earnings = 0;
        emit EarningsWithdrawn(to, amount);
        _token.safeTransfer(to, amount);
    }

    /// @notice Moves fees held because the model's pool reached its cap to `to`. The model's admin only.
    /// @param to Receiver.
    /// @return amount The amount moved.
    function sweepUnpooledFees(address to) external nonReentrant returns (uint256 amount) {
        uint256 modelId_ = modelId();
        if (_shares.adminOf(modelId_) != msg.sender) revert ExactNotModelAdmin(modelId_, msg.sender);
        amount = unpooledFees;
        if (amount == 0) revert ExactNothingToWithdraw();
        unpooledFees = 0;
        emit UnpooledFeesSwept(modelId_, to, amount);
        _token.safeTransfer(to, amount);
    }
}

/// @title ExactPayments
/// @notice Creates each (operator, model)'s {ExactReceiver} at a predictable address: the `payTo` of the operator's
///         `exact` offers for that model. A client checks `payTo == receiverOf(operator, model)` before signing.
contract ExactPayments {
    /// @notice The receiver implementation the clones delegate to.
    ExactReceiver public immutable implementation;
    ModelShares private immutable _shares;

    /// @notice `operator`'s receiver for `modelId` was created at `receiver`.
    event ReceiverCreated(address indexed operator, uint256 indexed modelId, address receiver);

    /// @notice There is no model `modelId` to create a receiver for.
    error ExactUnknownModel(uint256 modelId);

    /// @param shares_ The ModelShares deployment.
    constructor(ModelShares shares_) {
        _shares = shares_;
        implementation = new ExactReceiver(shares_);
    }

    /// @notice The address of `operator`'s receiver for `modelId`, created or not.
    /// @param operator The operator.
    /// @param modelId The model its payments are booked for.
    function receiverOf(address operator, uint256 modelId) public view returns (address) {
        return Clones.predictDeterministicAddressWithImmutableArgs(
            address(implementation), abi.encode(operator, modelId), bytes32(0)
        );
    }

    /// @notice Creates `operator`'s receiver for `modelId` (anyone may pay for it); returns it if it exists.
    /// @param operator The operator.
    /// @param modelId The model its payments are booked for; it must exist.
    /// @return receiver The receiver's address.
    function createReceiver(address operator, uint256 modelId) external returns (address receiver) {
        if (_shares.adminOf(modelId) == address(0)) revert ExactUnknownModel(modelId);
        receiver = receiverOf(operator, modelId);
        if (receiver.code.length != 0) return receiver;
        Clones.cloneDeterministicWithImmutableArgs(address(implementation), abi.encode(operator, modelId), bytes32(0));
        ExactReceiver(receiver).initialize();
        emit ReceiverCreated(operator, modelId, receiver);
    }
}
