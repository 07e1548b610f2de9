// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IPaymentChannels
/// @notice Prepaid per-(payer, operator) payment channels for per-request inference.
///
/// A channel is identified by `(payer, operator, token, withdrawalDelay, salt)` and holds its own deposit. The payer
/// fixes an **authorizer** key when opening it (an EOA: the payer itself, or a session key of a contract wallet or
/// agent); every voucher is an EIP-712 signature of that key over a **cumulative** amount per channel and model, so a
/// later voucher supersedes the earlier ones and nothing can revoke a signature already given. Only the channel's
/// operator can claim from it. A payer recovers unspent funds with a two-step withdrawal: `requestWithdrawal` starts a
/// thaw of `withdrawalDelay` seconds that the operator sees (an event) and settles inside; `withdraw` then has
/// `WITHDRAWAL_WINDOW` seconds before the request lapses. A voucher the operator accepted while the channel held
/// enough is therefore always payable in full if settled before the thaw ends.
///
/// Each settlement splits the newly claimed amount between the operator (pull payment, `withdrawEarnings`) and the
/// model's fee pool in ModelShares, at the split quoted in the voucher when ModelShares still honours it
/// (`feeShareFor`). The fee is computed on cumulative amounts, `floor(c·bps/10⁴) − floor(s·bps/10⁴)` for a claim from
/// `s` to `c`, so splitting claims never rounds the holders' fee away.
interface IPaymentChannels {
    /// @notice What a channel is; `channelId = keccak256(abi.encode(key))`.
    struct ChannelKey {
        address payer;
        address operator;
        address token;
        uint64 withdrawalDelay;
        bytes32 salt;
    }

    /// @notice A payer's promise: the channel owes `cumulativeAmount` in total for `modelId`, split at `feeShareBps`.
    struct Voucher {
        bytes32 channelId;
        uint256 modelId;
        uint256 cumulativeAmount;
        uint16 feeShareBps;
    }

    /// @notice A voucher, its authorizer's 65-byte signature, and how far the operator claims with it: up to
    ///         `claimTo` (capped at the voucher's amount). A voucher covers a request's price ceiling; the operator
    ///         claims only what was consumed, and the rest stays the payer's credit for the next request.
    struct SignedVoucher {
        Voucher voucher;
        bytes signature;
        uint256 claimTo;
    }

    /// @notice Outcome of one voucher in {settleMany}.
    enum SettleStatus {
        Settled,
        PartiallySettled,
        UnknownChannel,
        NotOperator,
        NothingNew,
        InvalidSignature,
        EmptyChannel
    }

    /// @notice Channel `channelId` was opened by `payer` for `operator`, signed for by `authorizer`.
    event ChannelOpened(
        bytes32 indexed channelId,
        address indexed payer,
        address indexed operator,
        address authorizer,
        uint64 withdrawalDelay,
        bytes32 salt
    );
    /// @notice `from` added `amount` to channel `channelId`.
    event Deposited(bytes32 indexed channelId, address indexed from, uint256 amount);
    /// @notice The payer asked to withdraw `amount`, possible from `thawEnd` until `deadline`.
    event WithdrawalRequested(bytes32 indexed channelId, uint256 amount, uint48 thawEnd, uint48 deadline);
    /// @notice The payer withdrew its withdrawal request.
    event WithdrawalCancelled(bytes32 indexed channelId);
    /// @notice `amount` left channel `channelId` back to its payer.
    event Withdrawn(bytes32 indexed channelId, address indexed payer, uint256 amount);
    /// @notice A voucher settled `amount` (of which `fee` to the holders) bringing the cumulative claim to `cumulative`.
    event Settled(
        bytes32 indexed channelId, uint256 indexed modelId, uint256 amount, uint256 fee, uint16 feeShareBps, uint256 cumulative
    );
    /// @notice A voucher in a batch was not settled, for `status`.
    event SettlementSkipped(bytes32 indexed channelId, uint256 indexed modelId, SettleStatus status);
    /// @notice `operator` withdrew `amount` of earnings.
    event EarningsWithdrawn(address indexed operator, uint256 amount);
    /// @notice The fee pool of `modelId` reached its lifetime cap; `amount` of fees is held here for its admin.
    event FeesUnpooled(uint256 indexed modelId, uint256 amount);
    /// @notice The admin of `modelId` moved `amount` of held fees to `to`.
    event UnpooledFeesSwept(uint256 indexed modelId, address indexed to, uint256 amount);

    /// @notice The zero address was given where an account is needed.
    error ChannelZeroAddress();
    /// @notice The channel's token is not this contract's payment token.
    error ChannelWrongToken(address token, address expected);
    /// @notice The withdrawal delay is outside `[min, max]`.
    error ChannelInvalidDelay(uint64 delay, uint64 min, uint64 max);
    /// @notice Only the payer named in the key may open the channel or manage its withdrawals.
    error ChannelNotPayer(address caller, address payer);
    /// @notice The channel exists already.
    error ChannelExists(bytes32 channelId);
    /// @notice No channel has this id.
    error ChannelUnknown(bytes32 channelId);
    /// @notice The amount is zero.
    error ChannelZeroAmount();
    /// @notice The amount does not fit the channel (more than it holds, or beyond 2**128).
    error ChannelInsufficientBalance(bytes32 channelId, uint256 requested, uint256 available);
    /// @notice The voucher cannot settle (see `status`).
    error ChannelSettleFailed(bytes32 channelId, SettleStatus status);
    /// @notice No withdrawal was requested (or it was withdrawn or has lapsed).
    error ChannelNoWithdrawal(bytes32 channelId);
    /// @notice The withdrawal thaw runs until `thawEnd`.
    error ChannelWithdrawalThawing(bytes32 channelId, uint256 thawEnd, uint256 nowTimestamp);
    /// @notice The withdrawal request lapsed at `deadline`; request again.
    error ChannelWithdrawalLapsed(bytes32 channelId, uint256 deadline, uint256 nowTimestamp);
    /// @notice The caller has nothing to withdraw.
    error ChannelNothingToWithdraw(address account);
    /// @notice Only the model's admin may sweep its held fees.
    error ChannelNotModelAdmin(uint256 modelId, address caller);

    /// @notice Opens a channel from the caller (`key.payer`) to `key.operator` with `amount` of payment token
    ///         (allowance required; 0 opens it empty). `authorizer` signs every voucher and can never be changed.
    /// @param key The channel's identity; `key.token` must be the payment token and `key.withdrawalDelay` within
    ///        `[MIN_WITHDRAWAL_DELAY, MAX_WITHDRAWAL_DELAY]`.
    /// @param authorizer The EOA whose signatures are the channel's vouchers.
    /// @param amount Initial deposit.
    /// @return channelId `keccak256(abi.encode(key))`.
    function open(ChannelKey calldata key, address authorizer, uint256 amount) external returns (bytes32 channelId);

    /// @notice Adds `amount` from the caller (allowance required) to channel `channelId`. Anyone may top up.
    /// @param channelId An open channel.
    /// @param amount Amount of payment token, not zero.
    function deposit(bytes32 channelId, uint256 amount) external;

    /// @notice Settles one voucher: claims what it adds over the channel's last settlement for its model, as much as
    ///         the channel holds. Reverts with `ChannelSettleFailed` when nothing can be settled. Operator only.
    /// @param sv The voucher and its signature.
    /// @return amount The amount claimed.
    function settle(SignedVoucher calldata sv) external returns (uint256 amount);

    /// @notice Settles a batch: every valid voucher is settled, every other one is skipped with an event and
    ///         its status; never reverts for a bad voucher. Fees are pooled per run of equal model ids.
    /// @param svs The vouchers; the caller must be the operator of each one's channel.
    /// @return statuses One status per voucher.
    /// @return total The amount claimed over the batch.
    function settleMany(SignedVoucher[] calldata svs) external returns (SettleStatus[] memory statuses, uint256 total);

    /// @notice Starts (or restarts) the thaw of `amount` of channel `channelId`; `amount` 0 cancels. Payer only.
    /// @param channelId The channel.
    /// @param amount Amount to withdraw once thawed, at most the channel's balance.
    function requestWithdrawal(bytes32 channelId, uint256 amount) external;

    /// @notice Pays the thawed amount (at most the balance left) back to the payer, between the thaw's end and its
    ///         deadline. Payer only.
    /// @param channelId The channel.
    /// @return amount The amount withdrawn.
    function withdraw(bytes32 channelId) external returns (uint256 amount);

    /// @notice Pays the caller's settled earnings to the caller.
    /// @return amount The amount withdrawn.
    function withdrawEarnings() external returns (uint256 amount);

    /// @notice Moves fees held because the model's pool reached its cap to `to`. Model admin only.
    /// @param modelId The model.
    /// @param to Receiver.
    /// @return amount The amount moved.
    function sweepUnpooledFees(uint256 modelId, address to) external returns (uint256 amount);

    /// @notice A channel's parties, balance and withdrawal state (thawEnd 0: none requested).
    function channel(bytes32 channelId)
        external
        view
        returns (
            address payer,
            address operator,
            address authorizer,
            uint64 withdrawalDelay,
            uint256 balance,
            uint256 thawAmount,
            uint48 thawEnd
        );

    /// @notice The cumulative amount already settled on `channelId` for `modelId`.
    function settled(bytes32 channelId, uint256 modelId) external view returns (uint256);

    /// @notice Earnings `operator` can withdraw.
    function earnings(address operator) external view returns (uint256);

    /// @notice Fees of `modelId` held because its pool reached its lifetime cap.
    function unpooledFees(uint256 modelId) external view returns (uint256);

    /// @notice `keccak256(abi.encode(key))`.
    function channelIdOf(ChannelKey calldata key) external pure returns (bytes32);

    /// @notice EIP-712 digest of `v` under this contract's domain (chain id and address bound).
    function hashVoucher(Voucher calldata v) external view returns (bytes32);
}
