// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IPaymentChannels} from "./IPaymentChannels.sol";
import {INodeSlasher} from "./INodeSlasher.sol";
import {ReceiptLib} from "../verify/ReceiptLib.sol";

/// @title IReceiptChallenges
/// @notice Disputes over serving nodes' signed receipts, decided by stake-weighted validator votes with appeals ending
///         at the model's DAO, and slashing of a node proven to have cheated.
///
/// **Filing.** Anyone posts `challengeBond` of the payment token with a receipt the operator signed
/// ({ReceiptLib}) and the voucher that paid for it. The contract checks that the signature recovers to the operator
/// under the receipts domain (this chain, the PaymentChannels deployment; malleable signatures refused), that the
/// receipt's `payment` is the voucher's digest, that the voucher is for the receipt's model, that the voucher's channel
/// pays the operator, and that the operator has stake on the model in NodeRegistry (registered or unbonding). Anyone
/// may file, each account once per receipt, and no filing blocks another: an operator's accomplice filing first
/// (to have the receipt rejected, or to collect the challenger's share itself) leaves the receipt open to the
/// payer's or a validator's own challenge. A receipt proven a cheat is slashed once. A challenge id is
/// `keccak256(receipt digest, filer, filing number)`: no id is known before its filing.
///
/// **Rounds.** A challenge goes through up to `validatorRounds` validator rounds, then the DAO. A validator round
/// snapshots the eligible validator stake when it opens (at filing; at an appeal): validators registered before that
/// block and not unbonding. It has a commit window (`commitWindow`, from the round's start: the first round's votes
/// open at filing, whatever the operator does), a reveal window and an appeal window. A vote weighs the validator's
/// stake, what it escrowed on other open votes included (so voting on many disputes at once weakens no
/// vote); committing escrows `penaltyBps` of that weight (its risk), from free stake. The parties (the operator, the
/// challenger, the voucher's payer, another filer of the same receipt, the model's DAO) do not vote, and their own
/// validator stake is left out of the snapshot (abstaining parties cannot starve the quorum). The round's verdict:
/// when the revealed weight reaches `quorumBps` of the snapshot,
/// the heavier side (a tie: honest); otherwise honest (the burden of proof is on the challenger).
///
/// **Who decides when.** Validators decide a round only when buying its quorum costs more than the round could move:
/// `snapshot × quorumBps × penaltyBps ≥ (slashAmount + bonds so far) × 10,000²` (see {economicStake}). A bought
/// quorum overturned on appeal loses its risk, `penaltyBps` of its stake, to the validators who voted with the final
/// outcome, so a majority bought to steal or protect a slash costs more than that slash. Below that stake the round is
/// skipped and the challenge goes to the DAO.
///
/// **Appeals.** In the appeal window the side the verdict went against (the operator after a cheat verdict, the
/// challenger after an honest one) may appeal with a bond of `challengeBond × 2^round`: a new validator round with a
/// new snapshot (validators may join to outvote a bought round), and after the last one the model's DAO timelock
/// (`DaoFactory.timelockOf`), which decides for `daoWindow` seconds, never before the answer window ends nor on its
/// own filing or payment. A DAO that does not decide leaves the last verdict standing.
///
/// **Answer.** For `answerWindow` seconds after filing (within the first commit window), the operator may answer
/// once (the hash of its answer, e.g. the CID of its own replay; recorded in an event).
///
/// **Outcomes.** Upheld (cheat): NodeRegistry slashes `min(slashAmount, stake)` of the operator's stake on the model;
/// `challengerShareBps` of it goes to the challenger, `payerShareBps` to the harmed payer (the voucher's channel payer)
/// but never more than the receipt's cost (an operator paying itself cannot take its slash back), and the rest is
/// burned (sent to `BURN`): none of it to those who decide (validators, the DAO). When the payer filed on the same
/// receipt too, the challenger's share is the payer's (an operator's accomplice filing first gains nothing). Every bond posted (filing and
/// appeals) goes to the side that won: the challenger if upheld, the operator if rejected. Validators who revealed
/// the final outcome get their risk back plus, pro rata to weight, the risk of those who voted against it or never
/// revealed ({settleVote}); a round where nobody voted the final outcome burns its risk. Payouts are credits,
/// withdrawn with {withdraw}; a vote claim returns to the stake of a validator still registered. While any challenge
/// against an operator on a model is open, NodeRegistry refuses to pay its stake back.
interface IReceiptChallenges is INodeSlasher {
    /// @notice Where a challenge stands.
    enum Status {
        None,
        Open,
        Upheld, // the operator cheated: slashed
        Rejected // no cheat proven: the bonds went to the operator
    }

    /// @notice Who resolved a challenge.
    enum Resolver {
        Validators, // the last validator round's verdict, unappealed
        Dao,
        Deadline, // the DAO did not decide in time: the last verdict stands (a non-delivery: no receipt in time)
        Delivered // a non-delivery claim answered with the receipt
    }

    /// @notice What an open challenge awaits now.
    enum Phase {
        Closed, // not open (never filed, or resolved)
        Commit, // validators commit votes
        Reveal, // validators reveal
        Appeal, // the losing side may appeal
        Dao, // the model's DAO decides
        Resolvable, // anyone may `resolve`
        Delivery // a non-delivery claim awaits the operator's receipt
    }

    /// @notice The contract's parameters, fixed at deployment.
    struct Params {
        /// Smallest stake a validator registers with.
        uint256 minValidatorStake;
        /// Bond a challenger posts; an appeal to round r posts `challengeBond × 2^r`.
        uint256 challengeBond;
        /// Stake slashed from a cheating operator (capped at its stake on the model).
        uint256 slashAmount;
        /// Part of the slash paid to the challenger, in basis points.
        uint16 challengerShareBps;
        /// Part of the slash paid to the harmed payer, in basis points; with the challenger's at most 10,000, the rest
        /// is burned.
        uint16 payerShareBps;
        /// Share of a round's stake snapshot that must reveal for its verdict to count, in basis points.
        uint16 quorumBps;
        /// Share of a voter's stake at risk in a round (lost to the coherent side if it votes against the final
        /// outcome or does not reveal), in basis points.
        uint16 penaltyBps;
        /// Validator rounds before the DAO (the first one plus appeals to validators), 1 to 8.
        uint8 validatorRounds;
        /// Seconds after filing during which the operator may answer (at most `commitWindow`).
        uint48 answerWindow;
        /// Seconds from a round's start during which validators commit.
        uint48 commitWindow;
        /// Seconds after the commit window during which validators reveal.
        uint48 revealWindow;
        /// Seconds after the reveal window during which the losing side may appeal.
        uint48 appealWindow;
        /// Seconds the DAO has to decide an appealed challenge.
        uint48 daoWindow;
    }

    /// @notice One challenge (storage layout: five words). The bonds posted, filing and appeals, are
    ///         `challengeBond × (2^(appeals + 1) − 1)`.
    struct Challenge {
        address challenger;
        uint48 filedAt;
        uint48 answeredAt; // 0: not answered
        address operator;
        Status status;
        uint8 round; // the current round; `validatorRounds`: at the DAO
        uint8 appeals; // appeals so far
        bool nonDelivery; // a claim that a paid answer came without its receipt (`receipt`: the voucher's digest)
        bool verdict; // the last validator verdict (cheat), then the final outcome
        uint48 roundStart; // when the current round opened (at the DAO: when it may decide)
        address payer; // the voucher's channel payer: the harmed party
        uint96 paid; // what the receipt says the payer paid (its share of a slash is capped there)
        uint256 modelId;
        bytes32 receipt; // the receipt's EIP-712 digest
    }

    /// @notice One validator round's tally (weights are stakes; risks are what the voters escrowed).
    struct Round {
        uint128 snapshot; // eligible stake when the round opened
        uint128 atRisk; // escrowed by all who committed
        uint128 cheatWeight;
        uint128 honestWeight;
        uint128 cheatRisk;
        uint128 honestRisk;
    }

    /// @notice One validator's vote in one round.
    struct Ballot {
        bytes32 commitment; // keccak256(abi.encode(challengeId, round, validator, cheat, salt))
        uint128 weight; // the stake it voted with
        uint128 risk; // what it escrowed
        bool revealed;
        bool cheat;
        bool settled;
    }

    /// @notice One validator.
    struct Validator {
        uint128 stake; // free stake (risk escrowed on open votes excluded)
        uint48 registeredAt; // 0: no validator
        uint48 unbondingEnd; // 0 while registered
        uint128 locked; // risk escrowed on votes not yet settled: still the validator's weight until they are
    }

    /// @notice A vote of a validator not yet settled.
    struct PendingVote {
        bytes32 challengeId;
        uint8 round;
    }

    /// @notice `validator` registered with `stake`.
    event ValidatorRegistered(address indexed validator, uint256 stake);
    /// @notice `validator` left; its stake returns from `unbondingEnd`.
    event ValidatorUnregistered(address indexed validator, uint48 unbondingEnd);
    /// @notice `validator` took back its stake.
    event ValidatorStakeWithdrawn(address indexed validator, uint256 amount);
    /// @notice `challenger` disputed, as challenge `challengeId`, the receipt (digest `receiptDigest`) that `operator`
    ///         signed for `modelId`; the full receipt is at `evidence` (as the challenger says).
    event ChallengeFiled(
        bytes32 indexed challengeId,
        uint256 indexed modelId,
        address indexed operator,
        address challenger,
        bytes32 receiptDigest,
        ReceiptLib.Receipt receipt,
        bytes32 channelId,
        string evidence
    );
    /// @notice The operator answered challenge `challengeId` with `answerHash`.
    event ChallengeAnswered(bytes32 indexed challengeId, address indexed operator, bytes32 answerHash);
    /// @notice Round `round` of challenge `challengeId` opened at `start` over `snapshot` of eligible stake (at the DAO,
    ///         `round == validatorRounds` and `start` is when it may decide; a round below the economic stake is
    ///         skipped to the DAO).
    event RoundOpened(bytes32 indexed challengeId, uint8 round, uint256 snapshot, uint48 start);
    /// @notice `validator` committed a vote in `round`, weighing `weight`, escrowing `risk`.
    event VoteCommitted(bytes32 indexed challengeId, uint8 round, address indexed validator, uint256 weight, uint256 risk);
    /// @notice `validator` revealed `cheat` in `round`.
    event VoteRevealed(bytes32 indexed challengeId, uint8 round, address indexed validator, bool cheat, uint256 weight);
    /// @notice `appellant` appealed round `round - 1`'s verdict (`cheat`), posting `bond`.
    event ChallengeAppealed(bytes32 indexed challengeId, uint8 round, address indexed appellant, bool cheat, uint256 bond);
    /// @notice `validator`'s vote in `round` was settled: `paid` back (its risk and reward), to its stake or credits.
    event VoteSettled(bytes32 indexed challengeId, uint8 round, address indexed validator, uint256 paid, bool toStake);
    /// @notice Round `round`'s risk was burned: nobody in it voted the final outcome.
    event RoundRiskBurned(bytes32 indexed challengeId, uint8 round, uint256 amount);
    /// @notice Challenge `challengeId` ended as `status`, decided by `resolver`: `slashed` was taken from the
    ///         operator, `toChallenger` (bond included), `toOperator` and `toPayer` credited, `burned` burned.
    event ChallengeResolved(
        bytes32 indexed challengeId,
        Status status,
        Resolver resolver,
        uint256 slashed,
        uint256 toChallenger,
        uint256 toOperator,
        uint256 toPayer,
        uint256 burned
    );
    /// @notice `payer` claims that the answer it paid with voucher `payment` (acknowledged by `operator` for up to
    ///         `cost`) came without its receipt.
    event NonDeliveryClaimed(
        bytes32 indexed challengeId, uint256 indexed modelId, address indexed operator, address payer, bytes32 payment, uint256 cost
    );
    /// @notice The receipt of non-delivery claim `challengeId`, posted on chain with its body: the payer may replay it
    ///         and challenge it like any receipt.
    event ReceiptDelivered(bytes32 indexed challengeId, ReceiptLib.Receipt receipt, bytes signature, bytes body);
    /// @notice `account` withdrew `amount` of its credits.
    event CreditsWithdrawn(address indexed account, uint256 amount);
    /// @notice This contract slashes through `registry` from now on.
    event RegistryBound(address indexed registry);

    /// @notice The zero address was given where a contract is needed.
    error ReceiptChallengesZeroAddress();
    /// @notice A parameter is out of range (a quorum or penalty of 0 or above 10,000, the challenger's and payer's
    ///         shares above 10,000 together, a zero window or bond, an answer window longer than the commit window,
    ///         validator rounds outside 1 to 8).
    error ReceiptChallengesInvalidParams();
    /// @notice A NodeRegistry is bound already (`bindRegistry` is accepted once).
    error ReceiptChallengesRegistryAlreadyBound(address registry);
    /// @notice Only the account that deployed this contract may bind its registry.
    error ReceiptChallengesNotDeployer(address caller);
    /// @notice The registry names another slasher (`slasher`) than this contract.
    error ReceiptChallengesNotRegistrySlasher(address registry, address slasher);
    /// @notice No NodeRegistry has bound this contract yet.
    error ReceiptChallengesRegistryNotBound();
    /// @notice The validator stake is below the minimum.
    error ReceiptChallengesStakeTooLow(uint256 stake, uint256 minStake);
    /// @notice The account is a validator already (or still unbonding).
    error ReceiptChallengesAlreadyValidator(address account);
    /// @notice The account is not a registered validator.
    error ReceiptChallengesNotValidator(address account);
    /// @notice The validator's stake is unbonding until `unbondingEnd` (0: it never unregistered).
    error ReceiptChallengesNotUnbonded(address validator, uint256 unbondingEnd);
    /// @notice The signature does not recover to the operator under the receipts domain (`recovered` 0: malformed
    ///         or malleable signature).
    error ReceiptChallengesInvalidSignature(address operator, address recovered);
    /// @notice The receipt's `payment` is not the digest of the voucher given.
    error ReceiptChallengesPaymentMismatch(bytes32 payment, bytes32 voucherDigest);
    /// @notice The voucher pays for another model than the receipt's.
    error ReceiptChallengesModelMismatch(uint256 receiptModelId, uint256 voucherModelId);
    /// @notice The voucher's channel pays another operator (0: no such channel).
    error ReceiptChallengesWrongOperator(bytes32 channelId, address channelOperator, address operator);
    /// @notice The operator has no stake on the model in NodeRegistry.
    error ReceiptChallengesNoStake(uint256 modelId, address operator);
    /// @notice The caller challenged this receipt (`receiptDigest`) already.
    error ReceiptChallengesAlreadyChallenged(bytes32 receiptDigest);
    /// @notice This receipt was proven a cheat already (its operator was slashed for it).
    error ReceiptChallengesReceiptUpheld(bytes32 receiptDigest);
    /// @notice The DAO decides only once the operator's answer window is over, at `opens`.
    error ReceiptChallengesDaoTooEarly(bytes32 challengeId, uint256 opens);
    /// @notice The evidence reference is longer than `MAX_EVIDENCE_LENGTH` bytes.
    error ReceiptChallengesEvidenceTooLong(uint256 length);
    /// @notice The challenge is not open (`status`: where it stands).
    error ReceiptChallengesNotOpen(bytes32 challengeId, Status status);
    /// @notice Only the challenged operator may answer.
    error ReceiptChallengesNotOperator(bytes32 challengeId, address caller);
    /// @notice The answer window closed at `deadline`, or the operator answered already.
    error ReceiptChallengesAnswerClosed(bytes32 challengeId, uint256 deadline);
    /// @notice The challenge is in `phase`, not the one this call needs (`until`: when that phase ends).
    error ReceiptChallengesWrongPhase(bytes32 challengeId, Phase phase, uint256 until);
    /// @notice The validator committed in this round already.
    error ReceiptChallengesAlreadyVoted(bytes32 challengeId, address validator);
    /// @notice The validator registered at `registeredAt`, not before the round opened at `roundStart`.
    error ReceiptChallengesValidatorTooNew(address validator, uint256 registeredAt, uint256 roundStart);
    /// @notice The reveal does not open the validator's commitment (other vote or salt), or nothing was committed.
    error ReceiptChallengesRevealMismatch(bytes32 challengeId, address validator);
    /// @notice Only the side the verdict went against may appeal (`party`: who may).
    error ReceiptChallengesNotAppellant(bytes32 challengeId, address caller, address party);
    /// @notice Nothing to settle: no such vote, settled already, or the challenge is still open.
    error ReceiptChallengesNothingToClaim(bytes32 challengeId, uint8 round, address validator);
    /// @notice The caller is a party to the dispute (the operator, the challenger or the payer; for the DAO: its own
    ///         filing or payment).
    error ReceiptChallengesConflictOfInterest(bytes32 challengeId, address validator);
    /// @notice Only the model's DAO timelock may decide (`timelock` 0: the model has no DAO).
    error ReceiptChallengesNotDao(uint256 modelId, address caller, address timelock);
    /// @notice Only the voucher's channel payer claims non-delivery (`payer`: who may).
    error ReceiptChallengesNotPayer(bytes32 channelId, address caller, address payer);
    /// @notice The delivered receipt does not answer the claim: another payment, model or body than committed.
    error ReceiptChallengesNotTheReceipt(bytes32 challengeId);
    /// @notice A non-delivery claim is slashed only once no receipt dispute against the operator is open (`open`), so
    ///         that a cheat cannot drain its stake through its own claims before its slash.
    error ReceiptChallengesAwaitingDisputes(bytes32 challengeId, uint256 open);
    /// @notice The validator's free stake (`free`) cannot escrow another vote's risk (`risk`), or it has as many
    ///         unsettled votes as allowed: settle some first (or wait for their disputes to resolve).
    error ReceiptChallengesStakeLocked(address validator, uint256 free, uint256 risk);
    /// @notice The validator's votes on `pending` disputes are not settled yet: its stake leaves after them.
    error ReceiptChallengesVotesPending(address validator, uint256 pending);
    /// @notice The account has no credits.
    error ReceiptChallengesNothingToWithdraw(address account);

    /// @notice Binds the NodeRegistry this contract slashes through: once, by this contract's deployer, to a registry
    ///         whose slasher is this contract (deploy this contract, then the registry naming it, then bind).
    /// @param registry_ The NodeRegistry deployment.
    function bindRegistry(address registry_) external;

    /// @notice Registers the caller as a validator with `stake` of the payment token (allowance required).
    /// @param stake At least `minValidatorStake`.
    function registerValidator(uint256 stake) external;

    /// @notice Leaves the validator set; the stake can be withdrawn after `VALIDATOR_UNBONDING`. Votes already cast
    ///         still count.
    function unregisterValidator() external;

    /// @notice Pays the caller's validator stake back once unbonded.
    /// @return amount The stake returned.
    function withdrawValidatorStake() external returns (uint256 amount);

    /// @notice Disputes a signed receipt, posting `challengeBond` (allowance required). See the interface notice for
    ///         what is checked; every check failure reverts.
    /// @param operator The node that signed the receipt.
    /// @param receipt The receipt's fields, exactly as signed.
    /// @param signature The operator's 65-byte EIP-712 signature of `receipt`.
    /// @param voucher The voucher whose digest is `receipt.payment`.
    /// @param evidence Where validators find the full receipt (e.g. an IPFS CID), at most `MAX_EVIDENCE_LENGTH`
    ///        bytes; emitted only, never read.
    /// @return challengeId `keccak256(abi.encode(receipt digest, filer, filing number))`.
    function challenge(
        address operator,
        ReceiptLib.Receipt calldata receipt,
        bytes calldata signature,
        IPaymentChannels.Voucher calldata voucher,
        string calldata evidence
    ) external returns (bytes32 challengeId);

    /// @notice The operator's answer to challenge `challengeId`, within the answer window, once; opens voting.
    /// @param challengeId An open challenge against the caller.
    /// @param answerHash A commitment to the answer (e.g. the hash or CID digest of its replay).
    function answer(bytes32 challengeId, bytes32 answerHash) external;

    /// @notice Commits the caller's vote in the current round of challenge `challengeId`, escrowing `penaltyBps` of its
    ///         stake; its weight is its stake. The caller must be a validator registered before the round opened, not
    ///         unbonding, and not a party.
    /// @param challengeId A challenge in its commit phase.
    /// @param commitment `keccak256(abi.encode(challengeId, round, validator, cheat, salt))`.
    function commitVote(bytes32 challengeId, bytes32 commitment) external;

    /// @notice Reveals the caller's committed vote in the current round.
    /// @param challengeId A challenge in its reveal phase.
    /// @param cheat The vote committed: true, the receipt shows a cheat.
    /// @param salt The salt committed.
    function revealVote(bytes32 challengeId, bool cheat, bytes32 salt) external;

    /// @notice Appeals the current round's verdict, posting `challengeBond × 2^(round + 1)` (allowance required): a new
    ///         validator round, or the DAO after the last. Only the side the verdict went against.
    /// @param challengeId A challenge in its appeal phase.
    function appeal(bytes32 challengeId) external;

    /// @notice Settles `validator`'s vote in round `round` of a resolved challenge: a vote on the final outcome gets
    ///         its risk back plus its share of the others' (to its stake while it is registered, else to its credits);
    ///         a vote against it, or never revealed, gets nothing and stops weighing. Anyone may settle anyone's vote
    ///         (the payment only ever goes to the validator); a validator's own next commit or withdrawal settles its
    ///         resolved votes too.
    /// @param challengeId A resolved challenge.
    /// @param round The round voted in.
    /// @param validator Whose vote.
    /// @return paid What was paid back.
    function settleVote(bytes32 challengeId, uint8 round, address validator) external returns (uint256 paid);

    /// @notice The model DAO's decision on challenge `challengeId`, once it reached the DAO (appealed past the last
    ///         validator round, or below the economic stake) and its answer window ended, within `daoWindow`.
    /// @param challengeId A challenge at the DAO, on a model whose DAO timelock is the caller.
    /// @param cheat True: upheld (slash); false: rejected.
    function decide(bytes32 challengeId, bool cheat) external;

    /// @notice Ends challenge `challengeId` with the last verdict: after a validator round's appeal window with no
    ///         appeal, or after the DAO's window without a decision. Anyone may call.
    /// @param challengeId A challenge in its resolvable phase.
    function resolve(bytes32 challengeId) external;

    /// @notice Claims that a paid answer came without its receipt: the caller, the voucher's channel payer, posts
    ///         `challengeBond` with the voucher and the operator's acknowledgement that it accepted it
    ///         ({ReceiptLib-ackDigest}). No vote: unless the operator delivers the receipt within `commitWindow` (a
    ///         day by default: a node offline for an hour keeps its stake), anyone resolves it and the operator is
    ///         slashed: the payer gets its bond back and at most the acknowledged cost, the rest is burned.
    /// @param operator The node that acknowledged the voucher.
    /// @param voucher The voucher (its digest is what the node acknowledged).
    /// @param cost The cost the node acknowledged (the most the request could be charged).
    /// @param ack The operator's 65-byte signature of `VoucherAccepted(payment, cost)`.
    /// @return challengeId `keccak256(abi.encode(voucher digest, payer, filing number))`.
    function claimNonDelivery(address operator, IPaymentChannels.Voucher calldata voucher, uint256 cost, bytes calldata ack)
        external
        returns (bytes32 challengeId);

    /// @notice Answers non-delivery claim `challengeId` with the receipt bound to its voucher, body included (posted in
    ///         an event for the payer to replay). Anyone holding the signed receipt may deliver it. The claim fails:
    ///         its bond goes to the operator.
    /// @param challengeId An open non-delivery claim in its delivery phase.
    /// @param receipt The receipt's fields, exactly as signed; `payment` must be the claim's voucher digest.
    /// @param signature The operator's signature of `receipt`.
    /// @param body The compact receipt body; `keccak256(body)` must be `receipt.body`.
    function deliverReceipt(bytes32 challengeId, ReceiptLib.Receipt calldata receipt, bytes calldata signature, bytes calldata body)
        external;

    /// @notice Pays the caller's credits (bonds back, slash shares, bonds won).
    /// @return amount The amount paid.
    function withdraw() external returns (uint256 amount);

    /// @notice Challenge `challengeId` (status None: never filed).
    function challengeOf(bytes32 challengeId) external view returns (Challenge memory);

    /// @notice What challenge `challengeId` awaits now, and until when (0: no end).
    function phaseOf(bytes32 challengeId) external view returns (Phase phase, uint256 until);

    /// @notice Every bond posted on challenge `challengeId` (filing and appeals), which the winning side takes.
    function bondsOf(bytes32 challengeId) external view returns (uint256);

    /// @notice Round `round`'s tally of challenge `challengeId`.
    function roundOf(bytes32 challengeId, uint8 round) external view returns (Round memory);

    /// @notice `validator`'s ballot in round `round` of challenge `challengeId`.
    function ballotOf(bytes32 challengeId, uint8 round, address validator) external view returns (Ballot memory);

    /// @notice The eligible validator stake now (registered before this block, not unbonding).
    function eligibleStake() external view returns (uint256);

    /// @notice The least snapshot with which validators decide round `round`:
    ///         `(slashAmount + challengeBond × (2^(round+1) − 1)) × 10,000² / (quorumBps × penaltyBps)`, rounded up.
    function economicStake(uint8 round) external view returns (uint256);

    /// @notice `validator`'s votes not yet settled.
    function pendingVotesOf(address validator) external view returns (PendingVote[] memory);

    /// @notice `account`'s validator record (registeredAt 0: none).
    function validatorOf(address account) external view returns (Validator memory);

    /// @notice What `account` can withdraw.
    function credits(address account) external view returns (uint256);

    /// @notice The EIP-712 digest an operator signs for `receipt` (this chain, the PaymentChannels deployment).
    function receiptDigest(ReceiptLib.Receipt calldata receipt) external view returns (bytes32);
}
