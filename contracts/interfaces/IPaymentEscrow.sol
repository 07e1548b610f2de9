// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IPaymentEscrow
/// @notice Prepaid balances for inference payments. A payer deposits the payment token and signs EIP-712
///         cumulative vouchers per (operator, model); the operator settles any part of the unsettled delta. The
///         model's `feeShareBps` of every settled amount goes to the model's fee pool in {ModelShares}; the rest is
///         credited to the operator, who pulls it with `withdrawEarnings` (pull payment).
/// @dev Voucher expiry: `expiry` is a unix time after which the voucher can no longer be settled; 0 means no expiry.
///      Vouchers are cumulative: settling the same voucher (or an older one) again can only pay what the newest
///      settled total leaves, so replays never pay twice. Signatures are checked with ERC-1271 when the payer has
///      code, else ECDSA. Withdrawals need a notice period during which operators can still settle.
interface IPaymentEscrow {
    /// @notice A payer's signed, cumulative authorisation for one operator and one model.
    struct Voucher {
        address payer;
        address operator;
        uint256 modelId;
        uint256 cumulativeAmount;
        uint64 expiry;
    }

    /// @notice `amount` was added to `payer`'s deposit, paid by `from`.
    event Deposited(address indexed payer, address indexed from, uint256 amount);
    /// @notice `payer` asked to withdraw `amount` once `readyAt` is reached.
    event WithdrawalRequested(address indexed payer, uint256 amount, uint64 readyAt);
    /// @notice `payer` cancelled its pending withdrawal.
    event WithdrawalCancelled(address indexed payer);
    /// @notice `payer` withdrew `amount`.
    event Withdrawn(address indexed payer, uint256 amount);
    /// @notice `operator` settled `amount` of `payer`'s voucher for `modelId`; `fee` went to the model's shareholders.
    event Settled(
        address indexed payer,
        address indexed operator,
        uint256 indexed modelId,
        uint256 amount,
        uint256 fee,
        uint256 cumulativeSettled
    );
    /// @notice `operator` withdrew `amount` of its earnings.
    event EarningsWithdrawn(address indexed operator, uint256 amount);

    /// @notice Zero amount.
    error PaymentEscrowZeroAmount();
    /// @notice Zero address.
    error PaymentEscrowZeroAddress();
    /// @notice Only the voucher's operator may settle it.
    error PaymentEscrowNotOperator(address caller, address operator);
    /// @notice The voucher expired.
    error PaymentEscrowVoucherExpired(uint64 expiry, uint256 nowTimestamp);
    /// @notice The signature is not the payer's.
    error PaymentEscrowInvalidSignature(address payer);
    /// @notice The claim exceeds what the voucher still allows.
    error PaymentEscrowClaimExceedsVoucher(uint256 claimAmount, uint256 available);
    /// @notice The payer's deposit is too small.
    error PaymentEscrowInsufficientDeposit(address payer, uint256 needed, uint256 available);
    /// @notice Array arguments of different lengths.
    error PaymentEscrowLengthMismatch();
    /// @notice No withdrawal is pending.
    error PaymentEscrowNoWithdrawalRequest(address payer);
    /// @notice The notice period has not passed.
    error PaymentEscrowWithdrawalNotReady(uint64 readyAt, uint256 nowTimestamp);
    /// @notice After the (possibly front-run) permit, the allowance is still too small.
    error PaymentEscrowInsufficientAllowance(uint256 allowance, uint256 needed);
    /// @notice The operator has no earnings to withdraw.
    error PaymentEscrowNothingToWithdraw(address account);

    /// @notice Deposits `amount` for the caller (allowance required).
    function deposit(uint256 amount) external;

    /// @notice Deposits `amount` from the caller's tokens for `payer`.
    function depositFor(address payer, uint256 amount) external;

    /// @notice Deposits `amount` after an EIP-2612 permit for this contract. A failing permit (e.g. front-run by
    ///         someone submitting the same signature) is tolerated as long as the allowance suffices.
    /// @param amount Amount to deposit.
    /// @param deadline Permit deadline.
    /// @param v Signature v.
    /// @param r Signature r.
    /// @param s Signature s.
    function depositWithPermit(uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s) external;

    /// @notice Settles `claimAmount` of voucher `v`; caller must be `v.operator`.
    /// @param v The voucher.
    /// @param signature Payer's EIP-712 signature (65-byte ECDSA, or anything the payer's ERC-1271 wallet accepts).
    /// @param claimAmount Amount to settle, 1..(v.cumulativeAmount - settled) and at most the payer's deposit.
    function settle(Voucher calldata v, bytes calldata signature, uint256 claimAmount) external;

    /// @notice Settles many vouchers of the caller (the operator of each) in one transaction. Fee deposits are
    ///         aggregated over consecutive vouchers of the same model, so sort by model for the best gas.
    /// @param vs Vouchers.
    /// @param signatures One signature per voucher.
    /// @param claimAmounts One claim amount per voucher.
    function settleMany(Voucher[] calldata vs, bytes[] calldata signatures, uint256[] calldata claimAmounts)
        external;

    /// @notice Starts (or replaces) a withdrawal of `amount`, payable after the notice period; 0 cancels.
    function requestWithdrawal(uint256 amount) external;

    /// @notice Cancels the caller's pending withdrawal.
    function cancelWithdrawal() external;

    /// @notice After the notice, pays min(requested, current deposit) to the caller.
    /// @return amount Amount paid.
    function withdraw() external returns (uint256 amount);

    /// @notice Pays the caller's accumulated operator earnings to the caller.
    /// @return amount Amount paid.
    function withdrawEarnings() external returns (uint256 amount);

    /// @notice The payer's current deposit.
    function depositOf(address payer) external view returns (uint256);

    /// @notice Cumulative amount settled for (payer, operator, modelId).
    function settled(address payer, address operator, uint256 modelId) external view returns (uint256);

    /// @notice The operator's withdrawable earnings.
    function operatorBalance(address operator) external view returns (uint256);

    /// @notice The payer's pending withdrawal (amount, readyAt); readyAt 0 means none.
    function pendingWithdrawal(address payer) external view returns (uint256 amount, uint64 readyAt);

    /// @notice Notice period of withdrawals, in seconds.
    function withdrawalNotice() external view returns (uint64);

    /// @notice EIP-712 digest of `v` that the payer signs.
    function hashVoucher(Voucher calldata v) external view returns (bytes32);

    /// @notice The EIP-712 domain separator (name "modeldao PaymentEscrow", version "1", chain id, this contract).
    function domainSeparator() external view returns (bytes32);
}
