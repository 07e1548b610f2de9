// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IPaymentChannels} from "../interfaces/IPaymentChannels.sol";
import {IReceiptChallenges} from "../interfaces/IReceiptChallenges.sol";
import {INodeSlasher} from "../interfaces/INodeSlasher.sol";
import {ModelShares} from "../shares/ModelShares.sol";
import {DaoFactory} from "../governance/DaoFactory.sol";
import {NodeRegistry} from "../registry/NodeRegistry.sol";
import {ReceiptLib} from "./ReceiptLib.sol";

/// @title ReceiptChallenges
/// @notice Challenges of serving nodes' signed receipts, validator votes, DAO decisions, and slashing through
///         NodeRegistry. See {IReceiptChallenges}.
/// @dev Token flows: validator stakes and challenge bonds in; slashed stake in from NodeRegistry; the burned part of a
///      slash pushed to `BURN`; everything else out by pull (`withdraw`, `withdrawValidatorStake`).
///      `token.balanceOf(this)` always equals validator stakes + bonds of open challenges + credits
///      (`totalValidatorStake + totalOpenBonds + totalCredits`; the invariant suite checks it).
contract ReceiptChallenges is IReceiptChallenges, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice Seconds between `unregisterValidator` and `withdrawValidatorStake`.
    uint48 public constant VALIDATOR_UNBONDING = 7 days;
    /// @notice Longest evidence reference, in bytes.
    uint256 public constant MAX_EVIDENCE_LENGTH = 256;
    /// @notice Where the part of a slash that goes to nobody is sent: no one who decides a dispute profits from it.
    address public constant BURN = 0x000000000000000000000000000000000000dEaD;
    uint256 private constant _BPS = 10_000;

    /// @notice The model shares (fee pools, payment token).
    ModelShares public immutable shares;
    /// @notice The payment channels: the receipts' EIP-712 verifying contract and the vouchers' digests.
    IPaymentChannels public immutable channels;
    /// @notice The model DAOs (`timelockOf`).
    DaoFactory public immutable daos;
    /// @notice The payment token: validator stakes, bonds, slashes.
    IERC20 public immutable token;
    /// @notice Smallest validator stake.
    uint256 public immutable minValidatorStake;
    /// @notice Bond a challenger posts.
    uint256 public immutable challengeBond;
    /// @notice Stake slashed from a cheat (capped at its stake).
    uint256 public immutable slashAmount;
    /// @notice Challenger's part of a slash, in basis points.
    uint16 public immutable challengerShareBps;
    /// @notice The harmed payer's part of a slash (the voucher's channel payer), in basis points; the rest is burned.
    uint16 public immutable payerShareBps;
    /// @notice Votes one side needs to decide.
    uint16 public immutable quorum;
    /// @notice Seconds after filing during which the operator may answer.
    uint48 public immutable answerWindow;
    /// @notice Seconds after the answer window during which validators vote.
    uint48 public immutable votingWindow;

    /// @notice The NodeRegistry whose slasher this is (bound once, by this contract's deployer).
    NodeRegistry public registry;
    /// @dev Who may bind the registry: the account that deployed this contract.
    address private immutable _deployer;
    /// @notice Sum of validator stakes held.
    uint256 public totalValidatorStake;
    /// @notice Sum of the bonds of open challenges.
    uint256 public totalOpenBonds;
    /// @notice Sum of credits not yet withdrawn.
    uint256 public totalCredits;

    mapping(bytes32 challengeId => Challenge) private _challenges;
    mapping(bytes32 challengeId => mapping(address validator => bool)) private _voted;
    mapping(address account => Validator) private _validators;
    mapping(address account => uint256) private _credits;
    mapping(uint256 modelId => mapping(address operator => uint256)) private _open;
    /// @dev Receipts proven a cheat: slashed once, never again.
    mapping(bytes32 receipt => bool) private _upheld;
    /// @dev Who filed against which receipt: each filer once per receipt, and no filer blocks another.
    mapping(bytes32 receipt => mapping(address filer => bool)) private _filedBy;
    /// @dev Filings so far: part of each challenge id, so no id is known before its filing.
    uint256 private _filings;

    /// @param shares_ The ModelShares deployment; its payment token is this contract's token.
    /// @param channels_ The PaymentChannels deployment (receipts' verifying contract).
    /// @param daos_ The DaoFactory (a model's DAO may decide its challenges).
    /// @param params The parameters (see {IReceiptChallenges-Params}).
    constructor(ModelShares shares_, IPaymentChannels channels_, DaoFactory daos_, Params memory params) {
        if (address(shares_) == address(0) || address(channels_) == address(0) || address(daos_) == address(0)) {
            revert ReceiptChallengesZeroAddress();
        }
        if (
            params.quorum == 0 || uint256(params.challengerShareBps) + params.payerShareBps > _BPS || params.challengeBond == 0
                || params.minValidatorStake == 0 || params.answerWindow == 0 || params.votingWindow == 0
        ) revert ReceiptChallengesInvalidParams();
        shares = shares_;
        channels = channels_;
        daos = daos_;
        IERC20 token_ = shares_.paymentToken();
        token = token_;
        minValidatorStake = params.minValidatorStake;
        challengeBond = params.challengeBond;
        slashAmount = params.slashAmount;
        challengerShareBps = params.challengerShareBps;
        payerShareBps = params.payerShareBps;
        quorum = params.quorum;
        answerWindow = params.answerWindow;
        votingWindow = params.votingWindow;
        _deployer = msg.sender;
    }

    /// @inheritdoc IReceiptChallenges
    function bindRegistry(address registry_) external {
        // Only the deployer, between its two deployment transactions: a stranger's registry cannot take this slasher.
        if (msg.sender != _deployer) revert ReceiptChallengesNotDeployer(msg.sender);
        if (address(registry) != address(0)) revert ReceiptChallengesRegistryAlreadyBound(address(registry));
        address slasher = address(NodeRegistry(registry_).slasher());
        if (slasher != address(this)) revert ReceiptChallengesNotRegistrySlasher(registry_, slasher);
        registry = NodeRegistry(registry_);
        emit RegistryBound(registry_);
    }

    // -------------------------------------------------------------- validators

    /// @inheritdoc IReceiptChallenges
    function registerValidator(uint256 stake) external nonReentrant {
        Validator storage v = _validators[msg.sender];
        if (v.stake != 0) revert ReceiptChallengesAlreadyValidator(msg.sender);
        if (stake < minValidatorStake) revert ReceiptChallengesStakeTooLow(stake, minValidatorStake);
        v.stake = SafeCast.toUint128(stake);
        v.registeredAt = uint48(block.timestamp);
        totalValidatorStake += stake;
        emit ValidatorRegistered(msg.sender, stake);
        token.safeTransferFrom(msg.sender, address(this), stake);
    }

    /// @inheritdoc IReceiptChallenges
    function unregisterValidator() external {
        Validator storage v = _validators[msg.sender];
        if (v.stake == 0 || v.unbondingEnd != 0) revert ReceiptChallengesNotValidator(msg.sender);
        uint48 end = uint48(block.timestamp) + VALIDATOR_UNBONDING;
        v.unbondingEnd = end;
        emit ValidatorUnregistered(msg.sender, end);
    }

    /// @inheritdoc IReceiptChallenges
    function withdrawValidatorStake() external nonReentrant returns (uint256 amount) {
        Validator storage v = _validators[msg.sender];
        uint256 end = v.unbondingEnd;
        amount = v.stake;
        if (amount == 0) revert ReceiptChallengesNotValidator(msg.sender);
        if (end == 0 || block.timestamp < end) revert ReceiptChallengesNotUnbonded(msg.sender, end);
        delete _validators[msg.sender];
        totalValidatorStake -= amount;
        emit ValidatorStakeWithdrawn(msg.sender, amount);
        token.safeTransfer(msg.sender, amount);
    }

    // -------------------------------------------------------------- challenges

    /// @inheritdoc IReceiptChallenges
    function challenge(
        address operator,
        ReceiptLib.Receipt calldata receipt,
        bytes calldata signature,
        IPaymentChannels.Voucher calldata voucher,
        string calldata evidence
    ) external nonReentrant returns (bytes32 challengeId) {
        if (bytes(evidence).length > MAX_EVIDENCE_LENGTH) revert ReceiptChallengesEvidenceTooLong(bytes(evidence).length);
        (bytes32 digest, address payer) = _verify(operator, receipt, signature, voucher);
        // No pre-emption: a filing (the operator's accomplice's, say) never makes the receipt immune to another filer's.
        if (_upheld[digest]) revert ReceiptChallengesReceiptUpheld(digest);
        if (_filedBy[digest][msg.sender]) revert ReceiptChallengesAlreadyChallenged(digest);
        _filedBy[digest][msg.sender] = true;
        challengeId = keccak256(abi.encode(digest, msg.sender, ++_filings));
        _record(challengeId, operator, receipt.modelId, payer, digest);
        // The payer's harm is what it paid for this answer: its share of a slash is capped there (see `_resolve`).
        _challenges[challengeId].paid = receipt.cost > type(uint96).max ? type(uint96).max : uint96(receipt.cost);
        emit ChallengeFiled(challengeId, receipt.modelId, operator, msg.sender, digest, receipt, voucher.channelId, evidence);
        token.safeTransferFrom(msg.sender, address(this), challengeBond);
    }

    /// @dev Opens challenge `challengeId` filed by the caller, and books its bond and the operator's open count.
    function _record(bytes32 challengeId, address operator, uint256 modelId, address payer, bytes32 digest) private {
        Challenge storage c = _challenges[challengeId];
        c.challenger = msg.sender;
        c.filedAt = uint48(block.timestamp);
        c.operator = operator;
        c.status = Status.Open;
        c.modelId = modelId;
        c.payer = payer;
        c.receipt = digest;
        ++_open[modelId][operator];
        totalOpenBonds += challengeBond;
    }

    /// @dev Every check a filing passes; returns the receipt's digest and the voucher's channel payer.
    function _verify(
        address operator,
        ReceiptLib.Receipt calldata receipt,
        bytes calldata signature,
        IPaymentChannels.Voucher calldata voucher
    ) private view returns (bytes32 digest, address payer) {
        NodeRegistry registry_ = registry;
        if (address(registry_) == address(0)) revert ReceiptChallengesRegistryNotBound();
        // The operator signed exactly these fields, on this chain, for this PaymentChannels deployment.
        digest = ReceiptLib.digest(receipt, address(channels));
        (address recovered, ECDSA.RecoverError err,) = ECDSA.tryRecoverCalldata(digest, signature);
        if (err != ECDSA.RecoverError.NoError || recovered != operator || operator == address(0)) {
            revert ReceiptChallengesInvalidSignature(operator, recovered);
        }
        // The receipt names the voucher that paid for it, for its model, on a channel that pays the operator.
        bytes32 voucherDigest = channels.hashVoucher(voucher);
        if (receipt.payment != voucherDigest) revert ReceiptChallengesPaymentMismatch(receipt.payment, voucherDigest);
        if (voucher.modelId != receipt.modelId) revert ReceiptChallengesModelMismatch(receipt.modelId, voucher.modelId);
        address channelOperator;
        (payer, channelOperator,,,,,) = channels.channel(voucher.channelId);
        if (channelOperator != operator) revert ReceiptChallengesWrongOperator(voucher.channelId, channelOperator, operator);
        // The operator has stake on the model to answer for it (registered, or unbonding and not yet withdrawn).
        if (registry_.stakeOf(receipt.modelId, operator) == 0) revert ReceiptChallengesNoStake(receipt.modelId, operator);
    }

    /// @inheritdoc IReceiptChallenges
    function answer(bytes32 challengeId, bytes32 answerHash) external {
        Challenge storage c = _openChallenge(challengeId);
        if (msg.sender != c.operator) revert ReceiptChallengesNotOperator(challengeId, msg.sender);
        uint256 deadline = uint256(c.filedAt) + answerWindow;
        if (c.answeredAt != 0 || block.timestamp >= deadline) revert ReceiptChallengesAnswerClosed(challengeId, deadline);
        c.answeredAt = uint48(block.timestamp);
        emit ChallengeAnswered(challengeId, msg.sender, answerHash);
    }

    /// @inheritdoc IReceiptChallenges
    function vote(bytes32 challengeId, bool cheat) external nonReentrant {
        Challenge storage c = _openChallenge(challengeId);
        (uint256 start, uint256 end) = _votingPeriod(c);
        if (block.timestamp < start) revert ReceiptChallengesVotingNotStarted(challengeId, start);
        if (block.timestamp >= end) revert ReceiptChallengesVotingClosed(challengeId, end);
        Validator storage v = _validators[msg.sender];
        if (v.stake == 0 || v.unbondingEnd != 0) revert ReceiptChallengesNotValidator(msg.sender);
        if (v.registeredAt >= c.filedAt) revert ReceiptChallengesValidatorTooNew(msg.sender, v.registeredAt, c.filedAt);
        // Parties do not vote: the operator, the challenger, and the payer whose share the outcome decides.
        if (msg.sender == c.operator || msg.sender == c.challenger || msg.sender == c.payer) {
            revert ReceiptChallengesConflictOfInterest(challengeId, msg.sender);
        }
        if (_voted[challengeId][msg.sender]) revert ReceiptChallengesAlreadyVoted(challengeId, msg.sender);
        _voted[challengeId][msg.sender] = true;
        uint16 cheatVotes = c.cheatVotes;
        uint16 honestVotes = c.honestVotes;
        // A side stops counting at `quorum` (the vote that reaches it resolves), so neither overflows uint16.
        unchecked {
            if (cheat) c.cheatVotes = ++cheatVotes;
            else c.honestVotes = ++honestVotes;
        }
        emit ChallengeVoted(challengeId, msg.sender, cheat, cheatVotes, honestVotes);
        if (cheat ? cheatVotes >= quorum : honestVotes >= quorum) _resolve(challengeId, c, cheat, Resolver.Validators);
    }

    /// @inheritdoc IReceiptChallenges
    function decide(bytes32 challengeId, bool cheat) external nonReentrant {
        Challenge storage c = _openChallenge(challengeId);
        address timelock = daos.timelockOf(c.modelId);
        if (timelock == address(0) || msg.sender != timelock) {
            revert ReceiptChallengesNotDao(c.modelId, msg.sender, timelock);
        }
        // Not on its own filing or payment: the DAO would be paid for its verdict.
        if (c.challenger == timelock || c.payer == timelock) revert ReceiptChallengesConflictOfInterest(challengeId, timelock);
        // Never before the operator could answer: a majority cannot slash in the filing block.
        uint256 opens = uint256(c.filedAt) + answerWindow;
        if (block.timestamp < opens) revert ReceiptChallengesDaoTooEarly(challengeId, opens);
        _resolve(challengeId, c, cheat, Resolver.Dao);
    }

    /// @inheritdoc IReceiptChallenges
    function resolve(bytes32 challengeId) external nonReentrant {
        Challenge storage c = _openChallenge(challengeId);
        (, uint256 end) = _votingPeriod(c);
        if (block.timestamp < end) revert ReceiptChallengesVotingOpen(challengeId, end);
        _resolve(challengeId, c, false, Resolver.Deadline);
    }

    /// @inheritdoc IReceiptChallenges
    function withdraw() external nonReentrant returns (uint256 amount) {
        amount = _credits[msg.sender];
        if (amount == 0) revert ReceiptChallengesNothingToWithdraw(msg.sender);
        _credits[msg.sender] = 0;
        totalCredits -= amount;
        emit CreditsWithdrawn(msg.sender, amount);
        token.safeTransfer(msg.sender, amount);
    }

    /// @dev Ends an open challenge. Effects first (status, open count, bond release, the receipt marked); then the
    ///      slash, whose amount the credits depend on (the registry is a protocol contract, and every entry point is
    ///      `nonReentrant`), and the burn. A receipt already proven a cheat by another filing is not slashed again:
    ///      this challenger only gets its bond back.
    function _resolve(bytes32 challengeId, Challenge storage c, bool cheat, Resolver resolver) private {
        address operator = c.operator;
        uint256 modelId = c.modelId;
        uint256 bond = challengeBond;
        bytes32 digest = c.receipt;
        bool slashedBefore = _upheld[digest];
        c.status = cheat || slashedBefore ? Status.Upheld : Status.Rejected;
        --_open[modelId][operator];
        totalOpenBonds -= bond;
        if (slashedBefore) {
            _credit(c.challenger, bond);
            emit ChallengeResolved(challengeId, Status.Upheld, resolver, 0, bond, 0, 0, 0);
            return;
        }
        if (!cheat) {
            _credit(operator, bond);
            emit ChallengeResolved(challengeId, Status.Rejected, resolver, 0, 0, bond, 0, 0);
            return;
        }
        _upheld[digest] = true;
        uint256 slashed = registry.slash(modelId, operator, slashAmount, address(this));
        uint256 toChallenger = slashed * challengerShareBps / _BPS;
        // Capped at what the payer paid for the answer: an operator paying itself through its own channel (or an
        // accomplice's) cannot take back more than that of its own slash.
        uint256 toPayer = slashed * payerShareBps / _BPS;
        if (toPayer > c.paid) toPayer = c.paid;
        uint256 burned = slashed - toChallenger - toPayer;
        _credit(c.challenger, toChallenger + bond);
        if (toPayer != 0) _credit(c.payer, toPayer);
        emit ChallengeResolved(challengeId, Status.Upheld, resolver, slashed, toChallenger + bond, 0, toPayer, burned);
        if (burned != 0) token.safeTransfer(BURN, burned);
    }

    function _credit(address account, uint256 amount) private {
        _credits[account] += amount;
        totalCredits += amount;
    }

    function _openChallenge(bytes32 challengeId) private view returns (Challenge storage c) {
        c = _challenges[challengeId];
        if (c.status != Status.Open) revert ReceiptChallengesNotOpen(challengeId, c.status);
    }

    function _votingPeriod(Challenge storage c) private view returns (uint256 start, uint256 end) {
        uint256 answerEnd = uint256(c.filedAt) + answerWindow;
        uint256 answeredAt = c.answeredAt;
        start = answeredAt != 0 ? answeredAt : answerEnd;
        end = answerEnd + votingWindow;
    }

    // ------------------------------------------------------------------- views

    /// @inheritdoc INodeSlasher
    function openChallenges(uint256 modelId, address operator) external view returns (uint256) {
        return _open[modelId][operator];
    }

    /// @inheritdoc IReceiptChallenges
    function challengeOf(bytes32 challengeId) external view returns (Challenge memory) {
        return _challenges[challengeId];
    }

    /// @inheritdoc IReceiptChallenges
    function votingPeriod(bytes32 challengeId) external view returns (uint256 start, uint256 end) {
        Challenge storage c = _challenges[challengeId];
        if (c.status == Status.None) revert ReceiptChallengesNotOpen(challengeId, Status.None);
        return _votingPeriod(c);
    }

    /// @inheritdoc IReceiptChallenges
    function hasVoted(bytes32 challengeId, address validator) external view returns (bool) {
        return _voted[challengeId][validator];
    }

    /// @inheritdoc IReceiptChallenges
    function validatorOf(address account) external view returns (Validator memory) {
        return _validators[account];
    }

    /// @inheritdoc IReceiptChallenges
    function credits(address account) external view returns (uint256) {
        return _credits[account];
    }

    /// @inheritdoc IReceiptChallenges
    function receiptDigest(ReceiptLib.Receipt calldata receipt) external view returns (bytes32) {
        return ReceiptLib.digest(receipt, address(channels));
    }
}
