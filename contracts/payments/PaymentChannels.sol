// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IPaymentChannels} from "../interfaces/IPaymentChannels.sol";
import {ModelShares} from "../shares/ModelShares.sol";

/// @title PaymentChannels
/// @notice Per-(payer, operator) prepaid channels settled with cumulative vouchers. See {IPaymentChannels}.
/// @dev Token flows: deposits in, withdrawals out to payers, earnings out to operators (pull), fees pushed into
///      ModelShares' pools (max-approved at construction). `token.balanceOf(this)` always equals the sum of channel
///      balances, operator earnings and unpooled fees (the invariant suite checks it).
contract PaymentChannels is IPaymentChannels, EIP712, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice EIP-712 type hash of {IPaymentChannels-Voucher}.
    bytes32 public constant VOUCHER_TYPEHASH =
        keccak256("Voucher(bytes32 channelId,uint256 modelId,uint256 cumulativeAmount,uint16 feeShareBps)");
    /// @notice Shortest withdrawal thaw a channel may have.
    uint64 public constant MIN_WITHDRAWAL_DELAY = 15 minutes;
    /// @notice Longest withdrawal thaw a channel may have (shorter than ModelShares' fee-share delay).
    uint64 public constant MAX_WITHDRAWAL_DELAY = 7 days;
    /// @notice Time after a thaw ends during which the payer may withdraw before the request lapses.
    uint48 public constant WITHDRAWAL_WINDOW = 1 days;
    uint256 private constant _BPS = 10_000;

    struct Channel {
        // slot 0
        address payer;
        uint64 withdrawalDelay;
        // slot 1: read on every settlement
        address operator;
        uint48 thawEnd; // 0: no withdrawal requested
        // slot 2: read on every settlement
        address authorizer;
        // slot 3: read and written on every settlement
        uint128 balance;
        uint128 thawAmount;
    }

    /// @notice The model shares whose fee pools receive the holders' part of each payment.
    ModelShares public immutable shares;
    /// @notice The payment token (`shares.paymentToken()`).
    IERC20 public immutable paymentToken;

    mapping(bytes32 channelId => Channel) private _channels;
    mapping(bytes32 channelId => mapping(uint256 modelId => uint256)) private _settled;
    mapping(address operator => uint256) private _earnings;
    mapping(uint256 modelId => uint256) private _unpooled;

    /// @param shares_ The ModelShares deployment; its payment token is the channels' token.
    constructor(ModelShares shares_) EIP712("modeldao PaymentChannels", "1") {
        if (address(shares_) == address(0)) revert ChannelZeroAddress();
        // The quote grace must cover the longest thaw, or an operator settling inside a thaw could lose its quote.
        assert(MAX_WITHDRAWAL_DELAY <= shares_.FEE_SHARE_QUOTE_GRACE());
        shares = shares_;
        IERC20 token = shares_.paymentToken();
        paymentToken = token;
        token.forceApprove(address(shares_), type(uint256).max);
    }

    // ---------------------------------------------------------------- deposits

    /// @inheritdoc IPaymentChannels
    function open(ChannelKey calldata key, address authorizer, uint256 amount)
        external
        nonReentrant
        returns (bytes32 channelId)
    {
        if (msg.sender != key.payer) revert ChannelNotPayer(msg.sender, key.payer);
        if (key.operator == address(0) || authorizer == address(0)) revert ChannelZeroAddress();
        if (key.token != address(paymentToken)) revert ChannelWrongToken(key.token, address(paymentToken));
        uint64 delay = key.withdrawalDelay;
        if (delay < MIN_WITHDRAWAL_DELAY || delay > MAX_WITHDRAWAL_DELAY) {
            revert ChannelInvalidDelay(delay, MIN_WITHDRAWAL_DELAY, MAX_WITHDRAWAL_DELAY);
        }
        channelId = keccak256(abi.encode(key));
        Channel storage c = _channels[channelId];
        if (c.payer != address(0)) revert ChannelExists(channelId);
        c.payer = key.payer;
        c.withdrawalDelay = delay;
        c.operator = key.operator;
        c.authorizer = authorizer;
        emit ChannelOpened(channelId, key.payer, key.operator, authorizer, delay, key.salt);
        if (amount != 0) _deposit(channelId, c, amount);
    }

    /// @inheritdoc IPaymentChannels
    function deposit(bytes32 channelId, uint256 amount) external nonReentrant {
        Channel storage c = _channels[channelId];
        if (c.payer == address(0)) revert ChannelUnknown(channelId);
        if (amount == 0) revert ChannelZeroAmount();
        _deposit(channelId, c, amount);
    }

    function _deposit(bytes32 channelId, Channel storage c, uint256 amount) private {
        uint256 balance = uint256(c.balance) + amount;
        if (balance > type(uint128).max) revert ChannelInsufficientBalance(channelId, amount, type(uint128).max - c.balance);
        // forge-lint: disable-next-line(unsafe-typecast)
        c.balance = uint128(balance); // checked just above
        emit Deposited(channelId, msg.sender, amount);
        paymentToken.safeTransferFrom(msg.sender, address(this), amount);
    }

    // -------------------------------------------------------------- settlement

    /// @inheritdoc IPaymentChannels
    function settle(SignedVoucher calldata sv) external nonReentrant returns (uint256 amount) {
        uint256 modelId = sv.voucher.modelId;
        uint16 bps = shares.feeShareFor(modelId, sv.voucher.feeShareBps);
        SettleStatus status;
        uint256 fee;
        (status, amount, fee) = _settle(sv, bps);
        if (status != SettleStatus.Settled && status != SettleStatus.PartiallySettled) {
            revert ChannelSettleFailed(sv.voucher.channelId, status);
        }
        unchecked {
            _earnings[msg.sender] += amount - fee; // fee <= amount
        }
        _pool(modelId, fee);
    }

    /// @inheritdoc IPaymentChannels
    function settleMany(SignedVoucher[] calldata svs)
        external
        nonReentrant
        returns (SettleStatus[] memory statuses, uint256 total)
    {
        uint256 n = svs.length;
        statuses = new SettleStatus[](n);
        uint256 currentModel;
        uint16 currentQuote;
        uint16 bps;
        uint256 pendingFee;
        uint256 totalFee;
        for (uint256 i; i < n; ++i) {
            SignedVoucher calldata sv = svs[i];
            uint256 modelId = sv.voucher.modelId;
            uint16 quote = sv.voucher.feeShareBps;
            if (i == 0 || modelId != currentModel) {
                if (pendingFee != 0) {
                    _pool(currentModel, pendingFee);
                    pendingFee = 0;
                }
                currentModel = modelId;
                currentQuote = quote;
                bps = shares.feeShareFor(modelId, quote);
            } else if (quote != currentQuote) {
                currentQuote = quote;
                bps = shares.feeShareFor(modelId, quote);
            }
            (SettleStatus status, uint256 amount, uint256 fee) = _settle(sv, bps);
            statuses[i] = status;
            if (status == SettleStatus.Settled || status == SettleStatus.PartiallySettled) {
                // Sums are bounded by the token amount this contract holds.
                total += amount;
                pendingFee += fee;
                totalFee += fee;
            } else {
                emit SettlementSkipped(sv.voucher.channelId, modelId, status);
            }
        }
        _earnings[msg.sender] += total - totalFee;
        if (pendingFee != 0) _pool(currentModel, pendingFee);
    }

    /// @dev Checks one voucher against its channel and books it (effects only). Returns the status, the amount
    ///      claimed and the holders' fee in it, computed on cumulative amounts at `bps`.
    function _settle(SignedVoucher calldata sv, uint16 bps)
        private
        returns (SettleStatus status, uint256 amount, uint256 fee)
    {
        bytes32 channelId = sv.voucher.channelId;
        Channel storage c = _channels[channelId];
        {
            address operator = c.operator;
            if (operator == address(0)) return (SettleStatus.UnknownChannel, 0, 0);
            if (msg.sender != operator) return (SettleStatus.NotOperator, 0, 0);
        }
        uint256 modelId = sv.voucher.modelId;
        uint256 done = _settled[channelId][modelId];
        uint256 target = sv.claimTo < sv.voucher.cumulativeAmount ? sv.claimTo : sv.voucher.cumulativeAmount;
        if (target <= done) return (SettleStatus.NothingNew, 0, 0);
        if (!_signedBy(sv, c.authorizer)) return (SettleStatus.InvalidSignature, 0, 0);
        return _claim(c, channelId, modelId, done, target, bps);
    }

    /// @dev Whether `sv` carries `authorizer`'s signature (plain ECDSA: an authorizer cannot revoke it later).
    function _signedBy(SignedVoucher calldata sv, address authorizer) private view returns (bool) {
        (address signer, ECDSA.RecoverError err,) = ECDSA.tryRecoverCalldata(_hashVoucher(sv.voucher), sv.signature);
        return err == ECDSA.RecoverError.NoError && signer == authorizer;
    }

    /// @dev Books a claim from `done` up to `cumulative` (or what the channel holds) and returns its status, amount
    ///      and the holders' fee in it.
    function _claim(Channel storage c, bytes32 channelId, uint256 modelId, uint256 done, uint256 cumulative, uint16 bps)
        private
        returns (SettleStatus status, uint256 amount, uint256 fee)
    {
        uint256 balance = c.balance;
        if (balance == 0) return (SettleStatus.EmptyChannel, 0, 0);
        unchecked {
            amount = cumulative - done; // cumulative > done
        }
        status = SettleStatus.Settled;
        if (amount > balance) {
            amount = balance;
            status = SettleStatus.PartiallySettled;
        }
        unchecked {
            // amount <= balance < 2**128 and done <= total ever deposited: no overflow; amount <= balance.
            // forge-lint: disable-next-line(unsafe-typecast)
            c.balance = uint128(balance - amount);
            cumulative = done + amount;
        }
        _settled[channelId][modelId] = cumulative;
        // cumulative * bps fits: cumulative < 2**136 (all deposits) and bps <= 10,000. floor is monotonic, so
        // 0 <= fee <= amount; over any sequence of claims the fees telescope to floor(total * bps / 10,000).
        fee = (cumulative * bps) / _BPS - (done * bps) / _BPS;
        emit Settled(channelId, modelId, amount, fee, bps, cumulative);
    }

    /// @dev Pushes `fee` into the pool of `modelId`; what the pool cannot take (lifetime cap) is held for its admin.
    function _pool(uint256 modelId, uint256 fee) private {
        if (fee == 0) return;
        uint256 accepted = shares.depositFeesUpTo(modelId, fee);
        if (accepted != fee) {
            unchecked {
                _unpooled[modelId] += fee - accepted; // accepted <= fee
            }
            emit FeesUnpooled(modelId, fee - accepted);
        }
    }

    // ------------------------------------------------------------- withdrawals

    /// @inheritdoc IPaymentChannels
    function requestWithdrawal(bytes32 channelId, uint256 amount) external {
        Channel storage c = _payerChannel(channelId);
        if (amount == 0) {
            if (c.thawEnd == 0) revert ChannelNoWithdrawal(channelId);
            c.thawEnd = 0;
            c.thawAmount = 0;
            emit WithdrawalCancelled(channelId);
            return;
        }
        uint256 balance = c.balance;
        if (amount > balance) revert ChannelInsufficientBalance(channelId, amount, balance);
        uint48 thawEnd = SafeCast.toUint48(block.timestamp + c.withdrawalDelay);
        c.thawEnd = thawEnd;
        // forge-lint: disable-next-line(unsafe-typecast)
        c.thawAmount = uint128(amount); // amount <= balance < 2**128
        emit WithdrawalRequested(channelId, amount, thawEnd, thawEnd + WITHDRAWAL_WINDOW);
    }

    /// @inheritdoc IPaymentChannels
    function withdraw(bytes32 channelId) external nonReentrant returns (uint256 amount) {
        Channel storage c = _payerChannel(channelId);
        uint48 thawEnd = c.thawEnd;
        if (thawEnd == 0) revert ChannelNoWithdrawal(channelId);
        if (block.timestamp < thawEnd) revert ChannelWithdrawalThawing(channelId, thawEnd, block.timestamp);
        uint256 deadline = uint256(thawEnd) + WITHDRAWAL_WINDOW;
        if (block.timestamp >= deadline) revert ChannelWithdrawalLapsed(channelId, deadline, block.timestamp);
        uint256 balance = c.balance;
        amount = c.thawAmount < balance ? c.thawAmount : balance;
        c.thawEnd = 0;
        c.thawAmount = 0;
        unchecked {
            // forge-lint: disable-next-line(unsafe-typecast)
            c.balance = uint128(balance - amount); // amount <= balance
        }
        emit Withdrawn(channelId, msg.sender, amount);
        if (amount != 0) paymentToken.safeTransfer(msg.sender, amount);
    }

    function _payerChannel(bytes32 channelId) private view returns (Channel storage c) {
        c = _channels[channelId];
        address payer = c.payer;
        if (payer == address(0)) revert ChannelUnknown(channelId);
        if (msg.sender != payer) revert ChannelNotPayer(msg.sender, payer);
    }

    /// @inheritdoc IPaymentChannels
    function withdrawEarnings() external nonReentrant returns (uint256 amount) {
        amount = _earnings[msg.sender];
        if (amount == 0) revert ChannelNothingToWithdraw(msg.sender);
        _earnings[msg.sender] = 0;
        emit EarningsWithdrawn(msg.sender, amount);
        paymentToken.safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IPaymentChannels
    function sweepUnpooledFees(uint256 modelId, address to) external nonReentrant returns (uint256 amount) {
        if (shares.adminOf(modelId) != msg.sender) revert ChannelNotModelAdmin(modelId, msg.sender);
        if (to == address(0)) revert ChannelZeroAddress();
        amount = _unpooled[modelId];
        if (amount == 0) revert ChannelNothingToWithdraw(msg.sender);
        _unpooled[modelId] = 0;
        emit UnpooledFeesSwept(modelId, to, amount);
        paymentToken.safeTransfer(to, amount);
    }

    // ------------------------------------------------------------------- views

    /// @inheritdoc IPaymentChannels
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
        )
    {
        Channel storage c = _channels[channelId];
        return (c.payer, c.operator, c.authorizer, c.withdrawalDelay, c.balance, c.thawAmount, c.thawEnd);
    }

    /// @inheritdoc IPaymentChannels
    function settled(bytes32 channelId, uint256 modelId) external view returns (uint256) {
        return _settled[channelId][modelId];
    }

    /// @inheritdoc IPaymentChannels
    function earnings(address operator) external view returns (uint256) {
        return _earnings[operator];
    }

    /// @inheritdoc IPaymentChannels
    function unpooledFees(uint256 modelId) external view returns (uint256) {
        return _unpooled[modelId];
    }

    /// @inheritdoc IPaymentChannels
    function channelIdOf(ChannelKey calldata key) external pure returns (bytes32) {
        return keccak256(abi.encode(key));
    }

    /// @inheritdoc IPaymentChannels
    function hashVoucher(Voucher calldata v) external view returns (bytes32) {
        return _hashVoucher(v);
    }

    /// @notice This contract's EIP-712 domain separator.
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    function _hashVoucher(Voucher calldata v) private view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(abi.encode(VOUCHER_TYPEHASH, v.channelId, v.modelId, v.cumulativeAmount, v.feeShareBps))
        );
    }
}
