// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IPaymentChannels} from "../interfaces/IPaymentChannels.sol";
import {IReceiptChallenges} from "../interfaces/IReceiptChallenges.sol";
import {INodeSlasher} from "../interfaces/INodeSlasher.sol";
import {ModelShares} from "../shares/ModelShares.sol";
import {DaoFactory} from "../governance/DaoFactory.sol";
import {NodeRegistry} from "../registry/NodeRegistry.sol";
import {ReceiptLib} from "./ReceiptLib.sol";

/// @title ReceiptChallenges
/// @notice Challenges of serving nodes' signed receipts, stake-weighted commit-reveal validator rounds, appeals to the
///         model's DAO, and slashing through NodeRegistry. See {IReceiptChallenges}.
/// @dev Token flows: validator stakes and bonds in; slashed stake in from NodeRegistry; the burned part of a slash and
///      forfeited vote risk pushed to `BURN`; everything else out by pull (`withdraw`, `withdrawValidatorStake`).
///      `token.balanceOf(this)` always equals validator stakes + bonds of open challenges + credits + vote escrow
///      (`totalValidatorStake + totalOpenBonds + totalCredits + totalVoteEscrow`; the invariant suite checks it).
contract ReceiptChallenges is IReceiptChallenges, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice Seconds between `unregisterValidator` and `withdrawValidatorStake`.
    uint48 public constant VALIDATOR_UNBONDING = 7 days;
    /// @notice Longest evidence reference, in bytes.
    uint256 public constant MAX_EVIDENCE_LENGTH = 256;
    /// @notice Most votes a validator may have unsettled at once (each settles in its validator's next commit).
    uint256 public constant MAX_PENDING_VOTES = 16;
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
    /// @notice Share of a round's stake snapshot that must reveal, in basis points.
    uint16 public immutable quorumBps;
    /// @notice Share of a voter's stake at risk per round, in basis points.
    uint16 public immutable penaltyBps;
    /// @notice Validator rounds before the DAO.
    uint8 public immutable validatorRounds;
    /// @notice Seconds after filing during which the operator may answer.
    uint48 public immutable answerWindow;
    /// @notice Seconds from a round's start during which validators commit.
    uint48 public immutable commitWindow;
    /// @notice Seconds after the commit window during which validators reveal.
    uint48 public immutable revealWindow;
    /// @notice Seconds after the reveal window during which the losing side may appeal.
    uint48 public immutable appealWindow;
    /// @notice Seconds the DAO has to decide.
    uint48 public immutable daoWindow;

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
    /// @notice Sum of vote risk escrowed and not yet paid back or burned.
    uint256 public totalVoteEscrow;
    /// @notice Weight of registered validators not unbonding: their stake and the risk they escrowed on unsettled votes.
    uint256 public activeValidatorStake;
    /// @dev Stake registered at `_joinedAt`: not eligible in a round opened in that same block.
    uint256 private _joinedStake;
    uint48 private _joinedAt;

    mapping(bytes32 challengeId => Challenge) private _challenges;
    mapping(bytes32 challengeId => mapping(uint8 round => Round)) private _rounds;
    mapping(bytes32 challengeId => mapping(uint8 round => mapping(address validator => Ballot))) private _ballots;
    mapping(address account => Validator) private _validators;
    mapping(address validator => PendingVote[]) private _pending;
    mapping(address account => uint256) private _credits;
    mapping(uint256 modelId => mapping(address operator => uint256)) private _open;
    /// @dev Open receipt disputes (not non-delivery claims): a non-delivery slash waits until there are none.
    mapping(uint256 modelId => mapping(address operator => uint256)) private _openDisputes;
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
            params.quorumBps == 0 || params.quorumBps > _BPS || params.penaltyBps == 0 || params.penaltyBps > _BPS
                || uint256(params.challengerShareBps) + params.payerShareBps > _BPS || params.challengeBond == 0
                || params.minValidatorStake == 0 || params.answerWindow == 0 || params.commitWindow < params.answerWindow
                || params.revealWindow == 0 || params.appealWindow == 0 || params.daoWindow == 0
                || params.validatorRounds == 0 || params.validatorRounds > 8
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
        quorumBps = params.quorumBps;
        penaltyBps = params.penaltyBps;
        validatorRounds = params.validatorRounds;
        answerWindow = params.answerWindow;
        commitWindow = params.commitWindow;
        revealWindow = params.revealWindow;
        appealWindow = params.appealWindow;
        daoWindow = params.daoWindow;
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
        if (v.registeredAt != 0) revert ReceiptChallengesAlreadyValidator(msg.sender);
        if (stake < minValidatorStake) revert ReceiptChallengesStakeTooLow(stake, minValidatorStake);
        v.stake = SafeCast.toUint128(stake);
        v.registeredAt = uint48(block.timestamp);
        totalValidatorStake += stake;
        activeValidatorStake += stake;
        // Stake joining in this block is not in a snapshot taken in this block (its owner cannot vote there either).
        if (_joinedAt != block.timestamp) (_joinedAt, _joinedStake) = (uint48(block.timestamp), 0);
        _joinedStake += stake;
        emit ValidatorRegistered(msg.sender, stake);
        token.safeTransferFrom(msg.sender, address(this), stake);
    }

    /// @inheritdoc IReceiptChallenges
    function unregisterValidator() external {
        Validator storage v = _validators[msg.sender];
        if (v.registeredAt == 0 || v.unbondingEnd != 0) revert ReceiptChallengesNotValidator(msg.sender);
        uint48 end = uint48(block.timestamp) + VALIDATOR_UNBONDING;
        v.unbondingEnd = end;
        activeValidatorStake -= uint256(v.stake) + v.locked;
        if (_joinedAt == block.timestamp) _joinedStake -= v.registeredAt == block.timestamp ? v.stake : 0;
        emit ValidatorUnregistered(msg.sender, end);
    }

    /// @inheritdoc IReceiptChallenges
    function withdrawValidatorStake() external nonReentrant returns (uint256 amount) {
        Validator storage v = _validators[msg.sender];
        uint256 end = v.unbondingEnd;
        if (v.registeredAt == 0) revert ReceiptChallengesNotValidator(msg.sender);
        if (end == 0 || block.timestamp < end) revert ReceiptChallengesNotUnbonded(msg.sender, end);
        // Its votes first: what they escrowed is settled (paid to credits) before the record goes.
        uint256 pending = _settleResolved(msg.sender);
        if (pending != 0) revert ReceiptChallengesVotesPending(msg.sender, pending);
        amount = v.stake;
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
        ++_openDisputes[receipt.modelId][operator];
        emit ChallengeFiled(challengeId, receipt.modelId, operator, msg.sender, digest, receipt, voucher.channelId, evidence);
        _openRound(challengeId, _challenges[challengeId], 0);
        token.safeTransferFrom(msg.sender, address(this), challengeBond);
    }

    /// @inheritdoc IReceiptChallenges
    function claimNonDelivery(address operator, IPaymentChannels.Voucher calldata voucher, uint256 cost, bytes calldata ack)
        external
        nonReentrant
        returns (bytes32 challengeId)
    {
        (bytes32 payment, address payer) = _verifyAck(operator, voucher, cost, ack);
        if (_filedBy[payment][msg.sender]) revert ReceiptChallengesAlreadyChallenged(payment);
        _filedBy[payment][msg.sender] = true;
        challengeId = keccak256(abi.encode(payment, msg.sender, ++_filings));
        _record(challengeId, operator, voucher.modelId, payer, payment);
        Challenge storage c = _challenges[challengeId];
        // The payer's harm is at most what the node said the request could cost: its refund is capped there.
        c.paid = cost > type(uint96).max ? type(uint96).max : uint96(cost);
        c.nonDelivery = true;
        // No votes: the operator delivers within the commit window, or is slashed.
        c.round = validatorRounds;
        c.roundStart = uint48(block.timestamp) + commitWindow;
        emit NonDeliveryClaimed(challengeId, voucher.modelId, operator, payer, payment, cost);
        token.safeTransferFrom(msg.sender, address(this), challengeBond);
    }

    /// @dev Every check a non-delivery claim passes; returns the voucher's digest and its channel payer (the caller).
    function _verifyAck(address operator, IPaymentChannels.Voucher calldata voucher, uint256 cost, bytes calldata ack)
        private
        view
        returns (bytes32 payment, address payer)
    {
        NodeRegistry registry_ = registry;
        if (address(registry_) == address(0)) revert ReceiptChallengesRegistryNotBound();
        payment = channels.hashVoucher(voucher);
        // Only a voucher the node acknowledged: a payer cannot claim over a voucher the node never received.
        (address recovered, ECDSA.RecoverError err,) =
            ECDSA.tryRecoverCalldata(ReceiptLib.ackDigest(payment, cost, address(channels)), ack);
        if (err != ECDSA.RecoverError.NoError || recovered != operator || operator == address(0)) {
            revert ReceiptChallengesInvalidSignature(operator, recovered);
        }
        address channelOperator;
        (payer, channelOperator,,,,,) = channels.channel(voucher.channelId);
        if (channelOperator != operator) revert ReceiptChallengesWrongOperator(voucher.channelId, channelOperator, operator);
        // Only the payer knows whether its receipt came.
        if (msg.sender != payer) revert ReceiptChallengesNotPayer(voucher.channelId, msg.sender, payer);
        if (registry_.stakeOf(voucher.modelId, operator) == 0) revert ReceiptChallengesNoStake(voucher.modelId, operator);
    }

    /// @inheritdoc IReceiptChallenges
    function deliverReceipt(bytes32 challengeId, ReceiptLib.Receipt calldata receipt, bytes calldata signature, bytes calldata body)
        external
        nonReentrant
    {
        Challenge storage c = _openChallenge(challengeId);
        _requirePhase(challengeId, c, Phase.Delivery);
        if (receipt.payment != c.receipt || receipt.modelId != c.modelId || keccak256(body) != receipt.body) {
            revert ReceiptChallengesNotTheReceipt(challengeId);
        }
        (address recovered, ECDSA.RecoverError err,) =
            ECDSA.tryRecoverCalldata(ReceiptLib.digest(receipt, address(channels)), signature);
        if (err != ECDSA.RecoverError.NoError || recovered != c.operator) {
            revert ReceiptChallengesInvalidSignature(c.operator, recovered);
        }
        emit ReceiptDelivered(challengeId, receipt, signature, body);
        _resolve(challengeId, c, false, Resolver.Delivered);
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

    /// @dev Opens round `round`: a validator round over the eligible stake now when it is economic, else the DAO
    ///      (from the end of the answer window at the earliest: the operator is always heard first).
    function _openRound(bytes32 challengeId, Challenge storage c, uint8 round) private {
        // The parties do not vote: their own stake would only make the quorum harder for everyone else.
        uint256 snapshot = _eligibleStake() - _eligibleWeight(c.operator);
        if (c.challenger != c.operator) snapshot -= _eligibleWeight(c.challenger);
        if (c.payer != c.operator && c.payer != c.challenger) snapshot -= _eligibleWeight(c.payer);
        if (round < validatorRounds && snapshot >= _economicStake(round)) {
            _rounds[challengeId][round].snapshot = SafeCast.toUint128(snapshot);
            c.round = round;
            c.roundStart = uint48(block.timestamp);
        } else {
            uint48 heard = c.filedAt + answerWindow;
            snapshot = 0;
            c.round = validatorRounds;
            c.roundStart = uint48(block.timestamp) > heard ? uint48(block.timestamp) : heard;
        }
        emit RoundOpened(challengeId, c.round, snapshot, c.roundStart);
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
    function commitVote(bytes32 challengeId, bytes32 commitment) external {
        Challenge storage c = _openChallenge(challengeId);
        _requirePhase(challengeId, c, Phase.Commit);
        Validator storage v = _validators[msg.sender];
        if (v.registeredAt == 0 || v.unbondingEnd != 0) revert ReceiptChallengesNotValidator(msg.sender);
        if (v.registeredAt >= c.roundStart) revert ReceiptChallengesValidatorTooNew(msg.sender, v.registeredAt, c.roundStart);
        _checkNotParty(challengeId, c);
        uint8 round = c.round;
        Ballot storage b = _ballots[challengeId][round][msg.sender];
        if (b.weight != 0) revert ReceiptChallengesAlreadyVoted(challengeId, msg.sender);
        _settleResolved(msg.sender);
        // The weight counts what is escrowed on other open votes: voting on many disputes weakens none of them.
        uint256 free = v.stake;
        uint128 weight = SafeCast.toUint128(free + v.locked);
        uint128 risk = uint128(uint256(weight) * penaltyBps / _BPS);
        if (free < risk || _pending[msg.sender].length >= MAX_PENDING_VOTES) {
            revert ReceiptChallengesStakeLocked(msg.sender, free, risk);
        }
        b.commitment = commitment;
        b.weight = weight;
        b.risk = risk;
        v.stake -= risk;
        v.locked += risk;
        _pending[msg.sender].push(PendingVote(challengeId, round));
        _rounds[challengeId][round].atRisk += risk;
        totalValidatorStake -= risk;
        totalVoteEscrow += risk;
        emit VoteCommitted(challengeId, round, msg.sender, weight, risk);
    }

    /// @inheritdoc IReceiptChallenges
    function revealVote(bytes32 challengeId, bool cheat, bytes32 salt) external {
        Challenge storage c = _openChallenge(challengeId);
        _requirePhase(challengeId, c, Phase.Reveal);
        uint8 round = c.round;
        Ballot storage b = _ballots[challengeId][round][msg.sender];
        if (
            b.weight == 0 || b.revealed
                || b.commitment != keccak256(abi.encode(challengeId, round, msg.sender, cheat, salt))
        ) revert ReceiptChallengesRevealMismatch(challengeId, msg.sender);
        b.revealed = true;
        b.cheat = cheat;
        Round storage r = _rounds[challengeId][round];
        if (cheat) (r.cheatWeight, r.cheatRisk) = (r.cheatWeight + b.weight, r.cheatRisk + b.risk);
        else (r.honestWeight, r.honestRisk) = (r.honestWeight + b.weight, r.honestRisk + b.risk);
        emit VoteRevealed(challengeId, round, msg.sender, cheat, b.weight);
    }

    /// @inheritdoc IReceiptChallenges
    function appeal(bytes32 challengeId) external nonReentrant {
        Challenge storage c = _openChallenge(challengeId);
        _requirePhase(challengeId, c, Phase.Appeal);
        uint8 round = c.round;
        bool cheat = _verdictOf(challengeId, round);
        address party = cheat ? c.operator : c.challenger;
        if (msg.sender != party) revert ReceiptChallengesNotAppellant(challengeId, msg.sender, party);
        uint256 bond = challengeBond * (uint256(1) << (round + 1));
        c.verdict = cheat;
        ++c.appeals;
        totalOpenBonds += bond;
        emit ChallengeAppealed(challengeId, round + 1, msg.sender, cheat, bond);
        _openRound(challengeId, c, round + 1);
        token.safeTransferFrom(msg.sender, address(this), bond);
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
        _requirePhase(challengeId, c, Phase.Dao);
        // Never before the operator could answer: a majority cannot slash in the filing block.
        if (block.timestamp < c.roundStart) revert ReceiptChallengesDaoTooEarly(challengeId, c.roundStart);
        _resolve(challengeId, c, cheat, Resolver.Dao);
    }

    /// @inheritdoc IReceiptChallenges
    function resolve(bytes32 challengeId) external nonReentrant {
        Challenge storage c = _openChallenge(challengeId);
        _requirePhase(challengeId, c, Phase.Resolvable);
        if (c.nonDelivery) {
            // After the receipt disputes against this operator: a cheat's own claims cannot drain its stake first.
            uint256 disputes = _openDisputes[c.modelId][c.operator];
            if (disputes != 0) revert ReceiptChallengesAwaitingDisputes(challengeId, disputes);
            _resolve(challengeId, c, true, Resolver.Deadline);
        } else if (c.round < validatorRounds) {
            _resolve(challengeId, c, _verdictOf(challengeId, c.round), Resolver.Validators);
        } else {
            _resolve(challengeId, c, c.verdict, Resolver.Deadline);
        }
    }

    /// @inheritdoc IReceiptChallenges
    function settleVote(bytes32 challengeId, uint8 round, address validator) external nonReentrant returns (uint256 paid) {
        PendingVote[] storage pending = _pending[validator];
        uint256 n = pending.length;
        Status status = _challenges[challengeId].status;
        for (uint256 i; i < n; ++i) {
            if (pending[i].challengeId == challengeId && pending[i].round == round) {
                if (status != Status.Open) return _settle(validator, pending, i);
                break;
            }
        }
        revert ReceiptChallengesNothingToClaim(challengeId, round, validator);
    }

    /// @dev Settles every vote of `validator` whose dispute is resolved; returns how many stay pending.
    function _settleResolved(address validator) private returns (uint256) {
        PendingVote[] storage pending = _pending[validator];
        uint256 i;
        while (i < pending.length) {
            if (_challenges[pending[i].challengeId].status == Status.Open) ++i;
            else _settle(validator, pending, i); // swaps the last entry into `i`
        }
        return pending.length;
    }

    /// @dev Settles `pending[i]` (its dispute resolved) and removes it: the risk stops weighing; a vote revealed on the
    ///      final outcome gets it back plus its weight's share of what the others risked (those against the outcome
    ///      and those who never revealed); rounding dust stays in escrow.
    function _settle(address validator, PendingVote[] storage pending, uint256 i) private returns (uint256 paid) {
        (bytes32 challengeId, uint8 round) = (pending[i].challengeId, pending[i].round);
        pending[i] = pending[pending.length - 1];
        pending.pop();
        Ballot storage b = _ballots[challengeId][round][validator];
        b.settled = true;
        bool outcome = _challenges[challengeId].verdict;
        Validator storage v = _validators[validator];
        bool active = v.registeredAt != 0 && v.unbondingEnd == 0;
        uint256 risk = b.risk;
        if (v.registeredAt != 0) v.locked -= uint128(risk);
        if (active) activeValidatorStake -= risk;
        if (b.revealed && b.cheat == outcome) {
            Round storage r = _rounds[challengeId][round];
            (uint256 winningWeight, uint256 winningRisk) =
                outcome ? (r.cheatWeight, r.cheatRisk) : (r.honestWeight, r.honestRisk);
            paid = risk + (uint256(r.atRisk) - winningRisk) * b.weight / winningWeight;
            totalVoteEscrow -= paid;
        }
        emit VoteSettled(challengeId, round, validator, paid, active);
        if (paid == 0) return 0;
        if (active) {
            v.stake += SafeCast.toUint128(paid);
            totalValidatorStake += paid;
            activeValidatorStake += paid;
            // Paid in the block it registered: not in a snapshot of this block either.
            if (v.registeredAt == block.timestamp) _joinedStake += paid;
        } else {
            _credit(validator, paid);
        }
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

    /// @dev Ends an open challenge with `cheat` as the outcome. Effects first (status, outcome, open count, bonds to
    ///      the winning side, the receipt marked, the risk of rounds nobody won burned from escrow); then the slash,
    ///      whose amount the credits depend on (the registry is a protocol contract, and every entry point is
    ///      `nonReentrant`), and one burn. A receipt already proven a cheat by another filing is not slashed again:
    ///      this challenger only gets the bonds.
    function _resolve(bytes32 challengeId, Challenge storage c, bool cheat, Resolver resolver) private {
        address operator = c.operator;
        uint256 modelId = c.modelId;
        uint256 bonds = _bondsOf(c);
        bytes32 digest = c.receipt;
        bool slashedBefore = _upheld[digest];
        cheat = cheat || slashedBefore;
        c.status = cheat ? Status.Upheld : Status.Rejected;
        c.verdict = cheat;
        --_open[modelId][operator];
        bool nonDelivery = c.nonDelivery;
        if (!nonDelivery) --_openDisputes[modelId][operator];
        totalOpenBonds -= bonds;
        uint256 burned = nonDelivery ? 0 : _burnUnwonRisk(challengeId, c.round, cheat);
        if (!cheat) {
            _credit(operator, bonds);
            emit ChallengeResolved(challengeId, Status.Rejected, resolver, 0, 0, bonds, 0, 0);
        } else if (slashedBefore) {
            _credit(c.challenger, bonds);
            emit ChallengeResolved(challengeId, Status.Upheld, resolver, 0, bonds, 0, 0, 0);
        } else {
            _upheld[digest] = true;
            uint256 slashed = registry.slash(modelId, operator, slashAmount, address(this));
            // A withheld receipt: the payer (who filed) gets back at most what the node acknowledged it could charge.
            uint256 toChallenger = nonDelivery ? 0 : slashed * challengerShareBps / _BPS;
            // Capped at what the payer paid for the answer: an operator paying itself through its own channel (or an
            // accomplice's) cannot take back more than that of its own slash.
            uint256 toPayer = nonDelivery ? slashed : slashed * payerShareBps / _BPS;
            if (toPayer > c.paid) toPayer = c.paid;
            uint256 slashBurned = slashed - toChallenger - toPayer;
            // An operator's accomplice filing first with real evidence would take the finder's share back to the
            // operator's side: when the harmed payer filed on this receipt too, the share is the payer's.
            if (c.payer != c.challenger && _filedBy[digest][c.payer]) (toPayer, toChallenger) = (toPayer + toChallenger, 0);
            _credit(c.challenger, toChallenger + bonds);
            if (toPayer != 0) _credit(c.payer, toPayer);
            emit ChallengeResolved(challengeId, Status.Upheld, resolver, slashed, toChallenger + bonds, 0, toPayer, slashBurned);
            burned += slashBurned;
        }
        if (burned != 0) token.safeTransfer(BURN, burned);
    }

    /// @dev Takes out of escrow, to burn, the risk of every round up to `lastRound` in which nobody revealed `cheat`.
    function _burnUnwonRisk(bytes32 challengeId, uint8 lastRound, bool cheat) private returns (uint256 burned) {
        uint8 rounds = lastRound < validatorRounds ? lastRound + 1 : validatorRounds;
        for (uint8 i; i < rounds; ++i) {
            Round storage r = _rounds[challengeId][i];
            uint256 atRisk = r.atRisk;
            if (atRisk == 0 || (cheat ? r.cheatWeight : r.honestWeight) != 0) continue;
            burned += atRisk;
            emit RoundRiskBurned(challengeId, i, atRisk);
        }
        totalVoteEscrow -= burned;
    }

    /// @dev Every bond posted on `c`: the filing's and each appeal's (the k-th appeal posts `challengeBond × 2^k`).
    function _bondsOf(Challenge storage c) private view returns (uint256) {
        return challengeBond * ((uint256(2) << c.appeals) - 1);
    }

    /// @inheritdoc IReceiptChallenges
    function bondsOf(bytes32 challengeId) external view returns (uint256) {
        return _bondsOf(_challenges[challengeId]);
    }

    function _credit(address account, uint256 amount) private {
        _credits[account] += amount;
        totalCredits += amount;
    }

    function _openChallenge(bytes32 challengeId) private view returns (Challenge storage c) {
        c = _challenges[challengeId];
        if (c.status != Status.Open) revert ReceiptChallengesNotOpen(challengeId, c.status);
    }

    function _requirePhase(bytes32 challengeId, Challenge storage c, Phase wanted) private view {
        (Phase phase, uint256 until) = _phase(c);
        if (phase != wanted) revert ReceiptChallengesWrongPhase(challengeId, phase, until);
    }

    /// @dev The phase of open challenge `c` now, and when it ends (0: it does not).
    function _phase(Challenge storage c) private view returns (Phase, uint256) {
        uint256 start = c.roundStart;
        if (c.nonDelivery) return block.timestamp < start ? (Phase.Delivery, start) : (Phase.Resolvable, 0);
        if (c.round == validatorRounds) {
            uint256 end = start + daoWindow;
            return block.timestamp < end ? (Phase.Dao, end) : (Phase.Resolvable, 0);
        }
        uint256 commitEnd = start + commitWindow;
        if (block.timestamp < commitEnd) return (Phase.Commit, commitEnd);
        uint256 revealEnd = commitEnd + revealWindow;
        if (block.timestamp < revealEnd) return (Phase.Reveal, revealEnd);
        uint256 appealEnd = revealEnd + appealWindow;
        if (block.timestamp < appealEnd) return (Phase.Appeal, appealEnd);
        return (Phase.Resolvable, 0);
    }

    /// @dev A validator round's verdict: with a quorum of the snapshot revealed, the heavier side (a tie: honest);
    ///      without, honest (the burden of proof is on the challenger).
    function _verdictOf(bytes32 challengeId, uint8 round) private view returns (bool cheat) {
        Round storage r = _rounds[challengeId][round];
        uint256 revealed = uint256(r.cheatWeight) + r.honestWeight;
        if (revealed * _BPS < uint256(r.snapshot) * quorumBps) return false;
        return r.cheatWeight > r.honestWeight;
    }

    /// @dev What `account` weighs in a snapshot taken now (0 unless a validator registered before this block, active).
    function _eligibleWeight(address account) private view returns (uint256) {
        Validator storage v = _validators[account];
        if (v.registeredAt == 0 || v.unbondingEnd != 0 || v.registeredAt == block.timestamp) return 0;
        return uint256(v.stake) + v.locked;
    }

    /// @dev Refuses a vote from a party to challenge `c`: its operator, challenger or payer, another filer of the same
    ///      receipt (its own filing is upheld with it), or the model's DAO (which may decide it last).
    function _checkNotParty(bytes32 challengeId, Challenge storage c) private view {
        if (
            msg.sender == c.operator || msg.sender == c.challenger || msg.sender == c.payer || _filedBy[c.receipt][msg.sender]
                || msg.sender == daos.timelockOf(c.modelId)
        ) revert ReceiptChallengesConflictOfInterest(challengeId, msg.sender);
    }

    function _eligibleStake() private view returns (uint256) {
        return activeValidatorStake - (_joinedAt == block.timestamp ? _joinedStake : 0);
    }

    /// @dev What round `round` moves at most (the slash, or every bond posted up to it), divided by the share of the
    ///      snapshot a bought quorum risks (`quorumBps × penaltyBps`), rounded up.
    function _economicStake(uint8 round) private view returns (uint256) {
        (bool added, uint256 atStake) = Math.tryAdd(slashAmount, challengeBond * ((uint256(2) << round) - 1));
        (bool multiplied, uint256 scaled) = Math.tryMul(atStake, _BPS * _BPS);
        // A slash too large to price: no validator stake is ever enough, the DAO decides.
        if (!added || !multiplied) return type(uint256).max;
        return Math.ceilDiv(scaled, uint256(quorumBps) * penaltyBps);
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
    function phaseOf(bytes32 challengeId) external view returns (Phase phase, uint256 until) {
        Challenge storage c = _challenges[challengeId];
        if (c.status != Status.Open) return (Phase.Closed, 0);
        return _phase(c);
    }

    /// @inheritdoc IReceiptChallenges
    function roundOf(bytes32 challengeId, uint8 round) external view returns (Round memory) {
        return _rounds[challengeId][round];
    }

    /// @inheritdoc IReceiptChallenges
    function ballotOf(bytes32 challengeId, uint8 round, address validator) external view returns (Ballot memory) {
        return _ballots[challengeId][round][validator];
    }

    /// @inheritdoc IReceiptChallenges
    function eligibleStake() external view returns (uint256) {
        return _eligibleStake();
    }

    /// @inheritdoc IReceiptChallenges
    function economicStake(uint8 round) external view returns (uint256) {
        return _economicStake(round);
    }

    /// @inheritdoc IReceiptChallenges
    function pendingVotesOf(address validator) external view returns (PendingVote[] memory) {
        return _pending[validator];
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
