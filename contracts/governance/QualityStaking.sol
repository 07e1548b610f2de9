// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IModelShares} from "../interfaces/IModelShares.sol";
import {DaoFactory} from "./DaoFactory.sol";
import {ModelGovernor} from "./ModelGovernor.sol";

/// @title QualityStaking
/// @notice A staking market on each "promote version" proposal (a proposal whose only action is
///         `ModelShares.setManifest(modelId, cid)`): before its vote opens (while the proposal is pending) anyone
///         stakes the payment token *for* or *against* the candidate weights. Staking closes when voting opens: the
///         tally is public while it runs, and a stake placed once cast votes decide the outcome would be a risk-free
///         claim on the losers' stakes. The DAO decides, through its governor's state alone: executed, *for*
///         wins; defeated or expired (the governor expires a passed proposal not queued, or a queued one not
///         executed, in time: `ModelGovernor.QUEUE_WINDOW_BLOCKS`, `EXECUTION_GRACE_PERIOD`), *against* wins;
///         cancelled after its vote opened (by the guardian: the proposer may cancel only before), *against* wins
///         too, so a cancel never voids a bet; cancelled before, everyone is refunded; any other state is undecided. A late execution is impossible, so no
///         resolution races an execution.
///         Winners get their stake back plus the losers' stakes pro rata, less the model's cut, which goes to the
///         model's fee pool (its shareholders). If one side is empty, everyone is refunded.
/// @dev Every staked unit is paid out exactly once: each winner gets `floor(stake * prize / winners)` except the
///      last winner to claim, who gets what remains of the prize (at most one unit per other winner more), so the
///      round ends with a zero balance once all have claimed. Stakes are in the payment token, not in shares, so
///      staking cannot change voting power.
contract QualityStaking is ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice How a round ended.
    enum Outcome {
        Unresolved,
        Promoted, // executed: "for" wins
        Rejected, // defeated, expired, or cancelled after its vote opened: "against" wins
        Refunded // cancelled before its vote opened, or a side was empty: every stake comes back
    }

    /// @notice A staking round on one proposal.
    struct Round {
        uint128 totalFor;
        uint128 totalAgainst;
        uint128 prize; // losers' stakes less the cut, once resolved
        uint128 prizePaid;
        uint128 winningStakeClaimed;
        uint48 expiresAt; // the round's opening time (non-zero: the round exists); see `roundOf`
        uint16 cutBps;
        Outcome outcome;
        string manifestCid;
    }

    /// @notice One staker's position in a round.
    struct Position {
        uint128 forAmount;
        uint128 againstAmount;
    }

    /// @notice Basis-point denominator.
    uint16 public constant BPS = 10_000;
    /// @notice Largest cut of the losers' stakes paid to the shareholders.
    uint16 public constant MAX_CUT_BPS = 2_000;
    /// @notice The cut of a model that never set one.
    uint16 public constant DEFAULT_CUT_BPS = 500;
    /// @notice No longer used: rounds have no window of their own, the governor expires proposals (see the contract
    ///         notice). Kept, with its former value, so that the ABI does not change.
    uint48 public constant EXECUTION_WINDOW = 60 days;

    /// @notice The token staked (the payment token of ModelShares).
    IERC20 public immutable token;
    /// @notice The share contract (fee pools, manifests).
    IModelShares public immutable shares;
    /// @notice The model DAOs.
    DaoFactory public immutable daos;

    mapping(uint256 modelId => uint16) private _cutPlusOne;
    mapping(uint256 modelId => mapping(uint256 proposalId => Round)) private _rounds;
    mapping(uint256 modelId => mapping(uint256 proposalId => mapping(address staker => Position))) private _positions;

    /// @notice A staking round opened on a promote-version proposal (`expiresAt`: the opening time, see `roundOf`).
    event RoundOpened(uint256 indexed modelId, uint256 indexed proposalId, string manifestCid, uint16 cutBps, uint48 expiresAt);
    /// @notice `staker` staked `amount` for (`support`) or against the candidate.
    event Staked(uint256 indexed modelId, uint256 indexed proposalId, address indexed staker, bool support, uint256 amount);
    /// @notice The round ended; `cut` went to the model's fee pool.
    event RoundResolved(uint256 indexed modelId, uint256 indexed proposalId, Outcome outcome, uint256 prize, uint256 cut);
    /// @notice `staker` was paid `amount`.
    event StakeClaimed(uint256 indexed modelId, uint256 indexed proposalId, address indexed staker, uint256 amount);
    /// @notice The cut of `modelId` changed (for rounds opened from now on).
    event CutChanged(uint256 indexed modelId, uint16 cutBps);

    /// @dev The model has no DAO.
    error QualityStakingNoDao(uint256 modelId);
    /// @dev The proposal is not a promote-version proposal of the model (one call to `setManifest(modelId, cid)`).
    error QualityStakingNotAVersionProposal(uint256 modelId, uint256 proposalId);
    /// @dev A round is already open on the proposal.
    error QualityStakingRoundExists(uint256 modelId, uint256 proposalId);
    /// @dev No round is open on the proposal.
    error QualityStakingNoRound(uint256 modelId, uint256 proposalId);
    /// @dev Rounds open, and stakes are taken, only while the proposal is pending (before its vote opens).
    error QualityStakingWrongState(uint256 proposalId, IGovernor.ProposalState state);
    /// @dev Stakes must be positive and fit 128 bits.
    error QualityStakingInvalidAmount(uint256 amount);
    /// @dev The DAO has not decided yet (the proposal is pending, active, succeeded or queued).
    error QualityStakingUnresolved(uint256 proposalId, IGovernor.ProposalState state);
    /// @dev Nothing to pay the caller in this round.
    error QualityStakingNothingToClaim(uint256 modelId, uint256 proposalId, address staker);
    /// @dev Only the model's timelock sets its cut.
    error QualityStakingUnauthorized(uint256 modelId, address caller);
    /// @dev The cut is above `MAX_CUT_BPS`.
    error QualityStakingInvalidCut(uint16 cutBps, uint16 max);

    /// @param shares_ The ModelShares deployment (its payment token is staked).
    /// @param daos_ The DaoFactory.
    constructor(IModelShares shares_, DaoFactory daos_) {
        shares = shares_;
        daos = daos_;
        token = shares_.paymentToken();
    }

    // ------------------------------------------------------------- settings

    /// @notice Sets the cut of the losers' stakes paid to the shareholders of `modelId`, for rounds opened from now
    ///         on. The model's timelock only.
    /// @param modelId The model.
    /// @param cutBps At most `MAX_CUT_BPS`.
    function setCut(uint256 modelId, uint16 cutBps) external {
        address timelock = daos.timelockOf(modelId);
        if (timelock == address(0) || msg.sender != timelock) revert QualityStakingUnauthorized(modelId, msg.sender);
        if (cutBps > MAX_CUT_BPS) revert QualityStakingInvalidCut(cutBps, MAX_CUT_BPS);
        _cutPlusOne[modelId] = cutBps + 1;
        emit CutChanged(modelId, cutBps);
    }

    /// @notice The cut of `modelId` in basis points.
    function cutOf(uint256 modelId) public view returns (uint16) {
        uint16 stored = _cutPlusOne[modelId];
        return stored == 0 ? DEFAULT_CUT_BPS : stored - 1;
    }

    // --------------------------------------------------------------- rounds

    /// @notice Opens the staking round of a promote-version proposal. Anyone may call it while the proposal is
    ///         pending (before its vote opens), with the proposal's actions (they are checked against its id).
    /// @param modelId The model.
    /// @param proposalId The proposal's id on the model's governor.
    /// @param targets The proposal's targets (exactly ModelShares).
    /// @param values The proposal's values (zero).
    /// @param calldatas The proposal's calldata (`setManifest(modelId, cid)`).
    /// @param descriptionHash keccak256 of the proposal's description.
    function openRound(
        uint256 modelId,
        uint256 proposalId,
        address[] calldata targets,
        uint256[] calldata values,
        bytes[] calldata calldatas,
        bytes32 descriptionHash
    ) external {
        IGovernor governor = _governor(modelId);
        Round storage round = _rounds[modelId][proposalId];
        if (round.expiresAt != 0) revert QualityStakingRoundExists(modelId, proposalId);
        if (governor.getProposalId(targets, values, calldatas, descriptionHash) != proposalId) {
            revert QualityStakingNotAVersionProposal(modelId, proposalId);
        }
        string memory cid = _promotedManifest(modelId, proposalId, targets, values, calldatas);
        IGovernor.ProposalState state = governor.state(proposalId);
        if (state != IGovernor.ProposalState.Pending) revert QualityStakingWrongState(proposalId, state);
        // The field keeps its name for the ABI; it holds the opening time (see `roundOf`).
        uint48 expiresAt = uint48(block.timestamp);
        uint16 cut = cutOf(modelId);
        round.expiresAt = expiresAt;
        round.cutBps = cut;
        round.manifestCid = cid;
        emit RoundOpened(modelId, proposalId, cid, cut, expiresAt);
    }

    /// @notice Stakes `amount` of the payment token for (`support`) or against the candidate of a proposal, while
    ///         it is pending: staking closes when its vote opens (the block after its snapshot), so that no stake is
    ///         placed against a public tally. Needs an allowance.
    /// @param modelId The model.
    /// @param proposalId The proposal's id on the model's governor.
    /// @param support True: for the candidate (wins if the proposal is executed); false: against.
    /// @param amount Payment-token units, positive, at most 2**128 - 1.
    function stake(uint256 modelId, uint256 proposalId, bool support, uint256 amount) external nonReentrant {
        Round storage round = _existing(modelId, proposalId);
        IGovernor.ProposalState state = _governor(modelId).state(proposalId);
        if (state != IGovernor.ProposalState.Pending) revert QualityStakingWrongState(proposalId, state);
        if (amount == 0 || amount > type(uint128).max) revert QualityStakingInvalidAmount(amount);
        Position storage position = _positions[modelId][proposalId][msg.sender];
        // Totals are bounded by the token's supply in the contract; a token with > 2**128 units staked would revert.
        // forge-lint: disable-next-line(unsafe-typecast)
        uint128 value = uint128(amount);
        if (support) {
            round.totalFor += value;
            position.forAmount += value;
        } else {
            round.totalAgainst += value;
            position.againstAmount += value;
        }
        emit Staked(modelId, proposalId, msg.sender, support, amount);
        token.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @notice Records the DAO's decision on a round and pays the cut into the model's fee pool. Anyone may call it
    ///         (`claim` does it too); reverts while the DAO has not decided.
    function resolve(uint256 modelId, uint256 proposalId) public nonReentrant returns (Outcome) {
        Round storage round = _existing(modelId, proposalId);
        if (round.outcome != Outcome.Unresolved) return round.outcome;
        return _resolve(modelId, proposalId, round);
    }

    /// @notice Pays the caller what the round owes it (resolving it first if needed).
    /// @return amount Paid to the caller.
    function claim(uint256 modelId, uint256 proposalId) external nonReentrant returns (uint256 amount) {
        Round storage round = _existing(modelId, proposalId);
        Outcome outcome = round.outcome;
        if (outcome == Outcome.Unresolved) outcome = _resolve(modelId, proposalId, round);
        Position memory position = _positions[modelId][proposalId][msg.sender];
        uint128 prizeShare;
        (amount, prizeShare) = _payout(round, outcome, position);
        if (amount == 0) revert QualityStakingNothingToClaim(modelId, proposalId, msg.sender);
        delete _positions[modelId][proposalId][msg.sender];
        if (prizeShare != 0 || outcome == Outcome.Promoted || outcome == Outcome.Rejected) {
            round.winningStakeClaimed += outcome == Outcome.Promoted ? position.forAmount : position.againstAmount;
            round.prizePaid += prizeShare;
        }
        emit StakeClaimed(modelId, proposalId, msg.sender, amount);
        token.safeTransfer(msg.sender, amount);
    }

    // ---------------------------------------------------------------- views

    /// @notice The round on a proposal (`expiresAt == 0`: none). `expiresAt` is the time the round opened: rounds no
    ///         longer expire by themselves (the governor's Expired state decides), the field stays for the ABI and as
    ///         the "round exists" marker.
    function roundOf(uint256 modelId, uint256 proposalId) external view returns (Round memory) {
        return _rounds[modelId][proposalId];
    }

    /// @notice A staker's position (zero once claimed).
    function positionOf(uint256 modelId, uint256 proposalId, address staker) external view returns (Position memory) {
        return _positions[modelId][proposalId][staker];
    }

    /// @notice What `staker` would be paid by `claim` now, given the round's resolved outcome (0 if unresolved).
    function claimable(uint256 modelId, uint256 proposalId, address staker) external view returns (uint256 amount) {
        Round storage round = _rounds[modelId][proposalId];
        (amount,) = _payout(round, round.outcome, _positions[modelId][proposalId][staker]);
    }

    // ------------------------------------------------------------ internals

    function _governor(uint256 modelId) private view returns (IGovernor governor) {
        governor = IGovernor(daos.governorOf(modelId));
        if (address(governor) == address(0)) revert QualityStakingNoDao(modelId);
    }

    function _existing(uint256 modelId, uint256 proposalId) private view returns (Round storage round) {
        round = _rounds[modelId][proposalId];
        if (round.expiresAt == 0) revert QualityStakingNoRound(modelId, proposalId);
    }

    /// @dev The manifest CID a proposal promotes, if it is exactly `shares.setManifest(modelId, cid)`.
    function _promotedManifest(
        uint256 modelId,
        uint256 proposalId,
        address[] calldata targets,
        uint256[] calldata values,
        bytes[] calldata calldatas
    ) private view returns (string memory cid) {
        if (
            targets.length != 1 || targets[0] != address(shares) || values[0] != 0 || calldatas[0].length < 4
                || bytes4(calldatas[0][:4]) != IModelShares.setManifest.selector
        ) revert QualityStakingNotAVersionProposal(modelId, proposalId);
        uint256 target;
        (target, cid) = abi.decode(calldatas[0][4:], (uint256, string));
        if (target != modelId) revert QualityStakingNotAVersionProposal(modelId, proposalId);
    }

    function _resolve(uint256 modelId, uint256 proposalId, Round storage round) private returns (Outcome outcome) {
        IGovernor.ProposalState state = _governor(modelId).state(proposalId);
        if (state == IGovernor.ProposalState.Executed) {
            outcome = Outcome.Promoted;
        } else if (state == IGovernor.ProposalState.Defeated || state == IGovernor.ProposalState.Expired) {
            outcome = Outcome.Rejected;
        } else if (state == IGovernor.ProposalState.Canceled) {
            // Cancelled before its vote opened (the staking window): void. After (only the guardian can, and never a
            // defeated proposal): the candidate was not promoted, so "against" wins, and a cancel cannot void a bet.
            ModelGovernor governor = ModelGovernor(payable(address(_governor(modelId))));
            outcome = governor.proposalCanceledAt(proposalId) > governor.proposalSnapshot(proposalId)
                ? Outcome.Rejected
                : Outcome.Refunded;
        } else {
            revert QualityStakingUnresolved(proposalId, state);
        }
        uint128 winners = outcome == Outcome.Promoted ? round.totalFor : round.totalAgainst;
        uint128 losers = outcome == Outcome.Promoted ? round.totalAgainst : round.totalFor;
        if (winners == 0 || losers == 0) outcome = Outcome.Refunded;
        round.outcome = outcome;
        uint256 cut;
        if (outcome != Outcome.Refunded) {
            cut = (uint256(losers) * round.cutBps) / BPS;
            if (cut != 0) {
                token.forceApprove(address(shares), cut);
                // The pool takes what fits under its lifetime cap; what does not stays in the prize.
                cut = shares.depositFeesUpTo(modelId, cut);
                token.forceApprove(address(shares), 0);
            }
            // cut <= losers.
            // forge-lint: disable-next-line(unsafe-typecast)
            round.prize = losers - uint128(cut);
        }
        emit RoundResolved(modelId, proposalId, outcome, round.prize, cut);
    }

    /// @dev What `position` is owed under `outcome`, and the part of it taken from the prize.
    function _payout(Round storage round, Outcome outcome, Position memory position)
        private
        view
        returns (uint256 amount, uint128 prizeShare)
    {
        if (outcome == Outcome.Unresolved) return (0, 0);
        if (outcome == Outcome.Refunded) return (uint256(position.forAmount) + position.againstAmount, 0);
        uint128 winning = outcome == Outcome.Promoted ? position.forAmount : position.againstAmount;
        if (winning == 0) return (0, 0);
        uint128 winners = outcome == Outcome.Promoted ? round.totalFor : round.totalAgainst;
        uint128 prize = round.prize;
        if (round.winningStakeClaimed + winning == winners) {
            // The last winner takes the remainder: the round pays out every unit.
            prizeShare = prize - round.prizePaid;
        } else {
            // winning * prize < 2**256; the share is below the prize, so it fits uint128.
            // forge-lint: disable-next-line(unsafe-typecast)
            prizeShare = uint128((uint256(winning) * prize) / winners);
        }
        amount = uint256(winning) + prizeShare;
    }
}
