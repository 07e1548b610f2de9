// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IPaymentEscrow} from "../interfaces/IPaymentEscrow.sol";
import {ModelShares} from "../shares/ModelShares.sol";

/// @title PaymentEscrow
/// @notice Prepaid, voucher-settled inference payments. See {IPaymentEscrow}.
/// @dev Operator earnings are pull payments (`operatorBalance` + `withdrawEarnings`); shareholder fees are pushed
///      into {ModelShares-depositFees}, which this contract is max-approved for at construction.
contract PaymentEscrow is IPaymentEscrow, EIP712, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice EIP-712 type hash of {IPaymentEscrow-Voucher}.
    bytes32 public constant VOUCHER_TYPEHASH = keccak256(
        "Voucher(address payer,address operator,uint256 modelId,uint256 cumulativeAmount,uint64 expiry)"
    );
    uint256 private constant _BPS = 10_000;

    struct WithdrawalRequest {
        uint192 amount;
        uint64 readyAt;
    }

    /// @notice The model shares whose fee pools receive the shareholders' part of each payment.
    ModelShares public immutable shares;
    /// @notice The payment token (`shares.paymentToken()`).
    IERC20 public immutable paymentToken;
    uint64 private immutable _withdrawalNotice;

    mapping(address payer => uint256) private _deposits;
    mapping(address payer => mapping(address operator => mapping(uint256 modelId => uint256))) private _settled;
    mapping(address operator => uint256) private _operatorBalance;
    mapping(address payer => WithdrawalRequest) private _withdrawals;

    /// @param shares_ The ModelShares deployment (its payment token is this escrow's token).
    /// @param withdrawalNotice_ Seconds between `requestWithdrawal` and `withdraw`.
    constructor(ModelShares shares_, uint64 withdrawalNotice_) EIP712("modeldao PaymentEscrow", "1") {
        if (address(shares_) == address(0)) revert PaymentEscrowZeroAddress();
        shares = shares_;
        IERC20 token = shares_.paymentToken();
        paymentToken = token;
        _withdrawalNotice = withdrawalNotice_;
        token.forceApprove(address(shares_), type(uint256).max);
    }

    // ---------------------------------------------------------------- deposits

    /// @inheritdoc IPaymentEscrow
    function deposit(uint256 amount) external nonReentrant {
        _deposit(msg.sender, amount);
    }

    /// @inheritdoc IPaymentEscrow
    function depositFor(address payer, uint256 amount) external nonReentrant {
        if (payer == address(0)) revert PaymentEscrowZeroAddress();
        _deposit(payer, amount);
    }

    /// @inheritdoc IPaymentEscrow
    function depositWithPermit(uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s)
        external
        nonReentrant
    {
        IERC20 token = paymentToken;
        // A front-runner may have used the signature already; then the allowance is there and we carry on.
        try IERC20Permit(address(token)).permit(msg.sender, address(this), amount, deadline, v, r, s) {} catch {}
        uint256 allowance = token.allowance(msg.sender, address(this));
        if (allowance < amount) revert PaymentEscrowInsufficientAllowance(allowance, amount);
        _deposit(msg.sender, amount);
    }

    function _deposit(address payer, uint256 amount) private {
        if (amount == 0) revert PaymentEscrowZeroAmount();
        _deposits[payer] += amount;
        emit Deposited(payer, msg.sender, amount);
        paymentToken.safeTransferFrom(msg.sender, address(this), amount);
    }

    // -------------------------------------------------------------- settlement

    /// @inheritdoc IPaymentEscrow
    function settle(Voucher calldata v, bytes calldata signature, uint256 claimAmount) external nonReentrant {
        uint256 modelId = v.modelId;
        uint256 fee = _settleVoucher(v, signature, claimAmount, shares.feeShareBps(modelId));
        unchecked {
            // fee <= claimAmount (bps <= 10,000).
            _operatorBalance[msg.sender] += claimAmount - fee;
        }
        if (fee != 0) shares.depositFees(modelId, fee);
    }

    /// @inheritdoc IPaymentEscrow
    function settleMany(Voucher[] calldata vs, bytes[] calldata signatures, uint256[] calldata claimAmounts)
        external
        nonReentrant
    {
        uint256 n = vs.length;
        if (signatures.length != n || claimAmounts.length != n) revert PaymentEscrowLengthMismatch();
        uint256 currentModel;
        uint256 bps;
        uint256 pendingFee;
        uint256 operatorTotal;
        for (uint256 i; i < n; ++i) {
            Voucher calldata v = vs[i];
            uint256 modelId = v.modelId;
            if (i == 0 || modelId != currentModel) {
                if (pendingFee != 0) {
                    shares.depositFees(currentModel, pendingFee);
                    pendingFee = 0;
                }
                currentModel = modelId;
                bps = shares.feeShareBps(modelId);
            }
            uint256 claimAmount = claimAmounts[i];
            uint256 fee = _settleVoucher(v, signatures[i], claimAmount, bps);
            // Sums are bounded by the total escrowed token amount, which fits in the token's uint256 supply.
            pendingFee += fee;
            operatorTotal += claimAmount - fee;
        }
        _operatorBalance[msg.sender] += operatorTotal;
        if (pendingFee != 0) shares.depositFees(currentModel, pendingFee);
    }

    /// @dev Checks one voucher and books it (effects only). Returns the shareholders' fee.
    function _settleVoucher(Voucher calldata v, bytes calldata signature, uint256 claimAmount, uint256 bps)
        private
        returns (uint256 fee)
    {
        address payer = v.payer;
        if (msg.sender != v.operator) revert PaymentEscrowNotOperator(msg.sender, v.operator);
        if (claimAmount == 0) revert PaymentEscrowZeroAmount();
        uint64 expiry = v.expiry;
        if (expiry != 0 && block.timestamp > expiry) revert PaymentEscrowVoucherExpired(expiry, block.timestamp);

        uint256 done = _settled[payer][msg.sender][v.modelId];
        uint256 cumulative = v.cumulativeAmount;
        uint256 available;
        unchecked {
            // Only subtracted when cumulative > done.
            available = cumulative > done ? cumulative - done : 0;
        }
        if (claimAmount > available) revert PaymentEscrowClaimExceedsVoucher(claimAmount, available);
        uint256 balance = _deposits[payer];
        if (claimAmount > balance) revert PaymentEscrowInsufficientDeposit(payer, claimAmount, balance);
        if (!SignatureChecker.isValidSignatureNowCalldata(payer, hashVoucher(v), signature)) {
            revert PaymentEscrowInvalidSignature(payer);
        }

        unchecked {
            // claimAmount <= available = cumulative - done, so done + claimAmount <= cumulative; and
            // claimAmount <= balance.
            _settled[payer][msg.sender][v.modelId] = done + claimAmount;
            _deposits[payer] = balance - claimAmount;
        }
        // claimAmount <= deposit <= token supply and bps <= 10,000: no overflow for any realistic token supply
        // (checked arithmetic reverts otherwise).
        fee = (claimAmount * bps) / _BPS;
        emit Settled(payer, msg.sender, v.modelId, claimAmount, fee, done + claimAmount);
    }

    // ------------------------------------------------------------- withdrawals

    /// @inheritdoc IPaymentEscrow
    function requestWithdrawal(uint256 amount) external {
        if (amount == 0) {
            _cancelWithdrawal();
            return;
        }
        uint256 balance = _deposits[msg.sender];
        if (amount > balance) revert PaymentEscrowInsufficientDeposit(msg.sender, amount, balance);
        uint64 readyAt = SafeCast.toUint64(block.timestamp + _withdrawalNotice);
        _withdrawals[msg.sender] = WithdrawalRequest({amount: SafeCast.toUint192(amount), readyAt: readyAt});
        emit WithdrawalRequested(msg.sender, amount, readyAt);
    }

    /// @inheritdoc IPaymentEscrow
    function cancelWithdrawal() external {
        _cancelWithdrawal();
    }

    function _cancelWithdrawal() private {
        if (_withdrawals[msg.sender].readyAt == 0) revert PaymentEscrowNoWithdrawalRequest(msg.sender);
        delete _withdrawals[msg.sender];
        emit WithdrawalCancelled(msg.sender);
    }

    /// @inheritdoc IPaymentEscrow
    function withdraw() external nonReentrant returns (uint256 amount) {
        WithdrawalRequest memory req = _withdrawals[msg.sender];
        if (req.readyAt == 0) revert PaymentEscrowNoWithdrawalRequest(msg.sender);
        if (block.timestamp < req.readyAt) revert PaymentEscrowWithdrawalNotReady(req.readyAt, block.timestamp);
        uint256 balance = _deposits[msg.sender];
        amount = req.amount < balance ? req.amount : balance;
        delete _withdrawals[msg.sender];
        unchecked {
            // amount <= balance.
            _deposits[msg.sender] = balance - amount;
        }
        emit Withdrawn(msg.sender, amount);
        if (amount != 0) paymentToken.safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IPaymentEscrow
    function withdrawEarnings() external nonReentrant returns (uint256 amount) {
        amount = _operatorBalance[msg.sender];
        if (amount == 0) revert PaymentEscrowNothingToWithdraw(msg.sender);
        _operatorBalance[msg.sender] = 0;
        emit EarningsWithdrawn(msg.sender, amount);
        paymentToken.safeTransfer(msg.sender, amount);
    }

    // ------------------------------------------------------------------- views

    /// @inheritdoc IPaymentEscrow
    function depositOf(address payer) external view returns (uint256) {
        return _deposits[payer];
    }

    /// @inheritdoc IPaymentEscrow
    function settled(address payer, address operator, uint256 modelId) external view returns (uint256) {
        return _settled[payer][operator][modelId];
    }

    /// @inheritdoc IPaymentEscrow
    function operatorBalance(address operator) external view returns (uint256) {
        return _operatorBalance[operator];
    }

    /// @inheritdoc IPaymentEscrow
    function pendingWithdrawal(address payer) external view returns (uint256 amount, uint64 readyAt) {
        WithdrawalRequest memory req = _withdrawals[payer];
        return (req.amount, req.readyAt);
    }

    /// @inheritdoc IPaymentEscrow
    function withdrawalNotice() external view returns (uint64) {
        return _withdrawalNotice;
    }

    /// @inheritdoc IPaymentEscrow
    function hashVoucher(Voucher calldata v) public view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(abi.encode(VOUCHER_TYPEHASH, v.payer, v.operator, v.modelId, v.cumulativeAmount, v.expiry))
        );
    }

    /// @inheritdoc IPaymentEscrow
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }
}
