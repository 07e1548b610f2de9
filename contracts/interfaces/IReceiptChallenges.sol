// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IPaymentChannels} from "./IPaymentChannels.sol";
import {INodeSlasher} from "./INodeSlasher.sol";
import {ReceiptLib} from "../verify/ReceiptLib.sol";

/// @title IReceiptChallenges
/// @notice Disputes over serving nodes' signed receipts, and slashing of a node proven to have cheated.
///
/// **Filing.** Anyone posts `challengeBond` of the payment token with a receipt the operator signed
/// ({ReceiptLib}) and the voucher that paid for it. The contract checks that the signature recovers to the operator
/// under the receipts domain (this chain, the PaymentChannels deployment; malleable signatures refused), that the
/// receipt's `payment` is the voucher's digest, that the voucher is for the receipt's model, that the voucher's channel
/// pays the operator, and that the operator has stake on the model in NodeRegistry (registered or unbonding). So a
/// forged receipt, or one with any field altered after signing, cannot be filed. Anyone may file, each account once
/// per receipt, and no filing blocks another: an operator's accomplice filing first with bogus evidence (to have the
/// receipt rejected, or to collect the challenger's share itself) leaves the receipt open to the payer's or a
/// validator's own challenge. A receipt proven a cheat is slashed once; later filings on it are refused, and open ones
/// end upheld with their bond back and no second slash. A challenge id is `keccak256(receipt digest, filer, filing
/// number)`: no id is known before its filing, so no DAO proposal can be passed against it in advance.
///
/// **Answer.** For `answerWindow` seconds after filing, the operator may answer once (the hash of its answer, e.g.
/// the CID of its own replay; recorded in an event). Voting opens when it answers, or when the window ends.
///
/// **Votes.** Until `filedAt + answerWindow + votingWindow`, validators vote cheat or honest, once each. A validator
/// may vote when it is registered (not unbonding), registered before the challenge was filed (no validators recruited
/// after the fact), and is neither the operator nor the challenger. The first side to reach `quorum` votes decides,
/// in the vote that reaches it. If neither side reaches `quorum` before the deadline, the challenge fails (the burden
/// of proof is on the challenger, so an unproven dispute cannot freeze a node's stake for free): anyone may then
/// `resolve` it.
///
/// **The DAO.** The model's DAO timelock (`DaoFactory.timelockOf(modelId)`) may decide instead while the challenge is
/// open, but never before the answer window ends: the operator is always heard first.
///
/// **Outcomes.** Upheld (cheat): NodeRegistry slashes `min(slashAmount, stake)` of the operator's stake on the model;
/// `challengerShareBps` of it plus the bond go to the challenger, `payerShareBps` to the harmed payer (the voucher's
/// channel payer) but never more than the receipt's cost (what it paid: an operator paying itself cannot take its
/// slash back), and the rest is burned (sent to `BURN`). None of it goes to those who decide disputes: validators who
/// are the operator, the challenger or the payer do not vote, and the DAO does not decide its own filing or payment.
/// Rejected (no
/// cheat, or no quorum in time): the bond goes to the operator, who was disputed for nothing. Payouts are credits,
/// withdrawn with {withdraw}. While any challenge against an operator on a model is open, NodeRegistry refuses to
/// pay its stake back, so unregistering after a challenge is filed does not escape the slash.
interface IReceiptChallenges is INodeSlasher {
    /// @notice Where a challenge stands.
    enum Status {
        None,
        Open,
        Upheld, // the operator cheated: slashed
        Rejected // no cheat, or no quorum in time: the bond went to the operator
    }

    /// @notice Who resolved a challenge.
    enum Resolver {
        Validators,
        Dao,
        Deadline
    }

    /// @notice The contract's parameters, fixed at deployment.
    struct Params {
        /// Smallest stake a validator registers with.
        uint256 minValidatorStake;
        /// Bond a challenger posts.
        uint256 challengeBond;
        /// Stake slashed from a cheating operator (capped at its stake on the model).
        uint256 slashAmount;
        /// Part of the slash paid to the challenger, in basis points.
        uint16 challengerShareBps;
        /// Part of the slash paid to the harmed payer, in basis points; with the challenger's at most 10,000, the rest
        /// is burned.
        uint16 payerShareBps;
        /// Votes one side needs to decide (k of the n validators).
        uint16 quorum;
        /// Seconds after filing during which the operator may answer.
        uint48 answerWindow;
        /// Seconds after the answer window during which validators vote.
        uint48 votingWindow;
    }

    /// @notice One challenge (storage layout: five words).
    struct Challenge {
        address challenger;
        uint48 filedAt;
        uint48 answeredAt; // 0: not answered
        address operator;
        uint16 cheatVotes;
        uint16 honestVotes;
        Status status;
        uint256 modelId;
        address payer; // the voucher's channel payer: the harmed party
        uint96 paid; // what the receipt says the payer paid (its share of a slash is capped there)
        bytes32 receipt; // the receipt's EIP-712 digest
    }

    /// @notice One validator.
    struct Validator {
        uint128 stake;
        uint48 registeredAt;
        uint48 unbondingEnd; // 0 while registered
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
    /// @notice `validator` voted on challenge `challengeId`; the tally after its vote.
    event ChallengeVoted(
        bytes32 indexed challengeId, address indexed validator, bool cheat, uint16 cheatVotes, uint16 honestVotes
    );
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
    /// @notice `account` withdrew `amount` of its credits.
    event CreditsWithdrawn(address indexed account, uint256 amount);
    /// @notice This contract slashes through `registry` from now on.
    event RegistryBound(address indexed registry);

    /// @notice The zero address was given where a contract is needed.
    error ReceiptChallengesZeroAddress();
    /// @notice A parameter is out of range (`quorum` 0, the challenger's and payer's shares above 10,000 together, a
    ///         zero window or bond).
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
    /// @notice Voting opens at `start` (when the operator answers, or when the answer window ends).
    error ReceiptChallengesVotingNotStarted(bytes32 challengeId, uint256 start);
    /// @notice Voting closed at `end`; the challenge awaits `resolve`.
    error ReceiptChallengesVotingClosed(bytes32 challengeId, uint256 end);
    /// @notice Voting runs until `end`; the challenge cannot be resolved by deadline before.
    error ReceiptChallengesVotingOpen(bytes32 challengeId, uint256 end);
    /// @notice The validator voted on this challenge already.
    error ReceiptChallengesAlreadyVoted(bytes32 challengeId, address validator);
    /// @notice The validator registered at `registeredAt`, not before the challenge was filed at `filedAt`.
    error ReceiptChallengesValidatorTooNew(address validator, uint256 registeredAt, uint256 filedAt);
    /// @notice The caller is a party to the dispute (the operator, the challenger or the payer; for the DAO: its own
    ///         filing or payment).
    error ReceiptChallengesConflictOfInterest(bytes32 challengeId, address validator);
    /// @notice Only the model's DAO timelock may decide (`timelock` 0: the model has no DAO).
    error ReceiptChallengesNotDao(uint256 modelId, address caller, address timelock);
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

    /// @notice The caller's vote on challenge `challengeId`; resolves it when a side reaches `quorum`.
    /// @param challengeId An open challenge in its voting period.
    /// @param cheat True: the receipt shows a cheat; false: the operator served honestly.
    function vote(bytes32 challengeId, bool cheat) external;

    /// @notice The model DAO's decision on challenge `challengeId`, while it is open and once its answer window ended.
    /// @param challengeId An open challenge on a model whose DAO timelock is the caller.
    /// @param cheat True: upheld (slash); false: rejected.
    function decide(bytes32 challengeId, bool cheat) external;

    /// @notice Rejects challenge `challengeId` once its voting period ended without a quorum. Anyone may call.
    /// @param challengeId An open challenge past its voting deadline.
    function resolve(bytes32 challengeId) external;

    /// @notice Pays the caller's credits (bonds back, slash shares, bonds won).
    /// @return amount The amount paid.
    function withdraw() external returns (uint256 amount);

    /// @notice Challenge `challengeId` (status None: never filed).
    function challengeOf(bytes32 challengeId) external view returns (Challenge memory);

    /// @notice When voting on challenge `challengeId` opens and closes.
    function votingPeriod(bytes32 challengeId) external view returns (uint256 start, uint256 end);

    /// @notice Whether `validator` voted on challenge `challengeId`.
    function hasVoted(bytes32 challengeId, address validator) external view returns (bool);

    /// @notice `account`'s validator record (stake 0: none).
    function validatorOf(address account) external view returns (Validator memory);

    /// @notice What `account` can withdraw.
    function credits(address account) external view returns (uint256);

    /// @notice The EIP-712 digest an operator signs for `receipt` (this chain, the PaymentChannels deployment).
    function receiptDigest(ReceiptLib.Receipt calldata receipt) external view returns (bytes32);
}
