// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {Time} from "@openzeppelin/contracts/utils/types/Time.sol";
import {GovernorUpgradeable} from "@openzeppelin/contracts-upgradeable/governance/GovernorUpgradeable.sol";
import {TimelockControllerUpgradeable} from
    "@openzeppelin/contracts-upgradeable/governance/TimelockControllerUpgradeable.sol";
import {GovernorSettingsUpgradeable} from
    "@openzeppelin/contracts-upgradeable/governance/extensions/GovernorSettingsUpgradeable.sol";
import {GovernorCountingSimpleUpgradeable} from
    "@openzeppelin/contracts-upgradeable/governance/extensions/GovernorCountingSimpleUpgradeable.sol";
import {GovernorVotesUpgradeable} from
    "@openzeppelin/contracts-upgradeable/governance/extensions/GovernorVotesUpgradeable.sol";
import {GovernorVotesQuorumFractionUpgradeable} from
    "@openzeppelin/contracts-upgradeable/governance/extensions/GovernorVotesQuorumFractionUpgradeable.sol";
import {GovernorVotesSuperQuorumFractionUpgradeable} from
    "@openzeppelin/contracts-upgradeable/governance/extensions/GovernorVotesSuperQuorumFractionUpgradeable.sol";
import {GovernorSuperQuorumUpgradeable} from
    "@openzeppelin/contracts-upgradeable/governance/extensions/GovernorSuperQuorumUpgradeable.sol";
import {GovernorTimelockControlUpgradeable} from
    "@openzeppelin/contracts-upgradeable/governance/extensions/GovernorTimelockControlUpgradeable.sol";
import {GovernorSequentialProposalIdUpgradeable} from
    "@openzeppelin/contracts-upgradeable/governance/extensions/GovernorSequentialProposalIdUpgradeable.sol";
import {GovernorProposalGuardianUpgradeable} from
    "@openzeppelin/contracts-upgradeable/governance/extensions/GovernorProposalGuardianUpgradeable.sol";
import {IModelShares} from "../interfaces/IModelShares.sol";

/// @title ModelGovernor
/// @notice The governor of one model's DAO, cloned per model by the DaoFactory. Votes are the model's shares at the
///         proposal's snapshot, with OpenZeppelin's modules: settings changeable by governance, simple counting, a
///         quorum and a super quorum (a clear result passes early) as fractions of the shares that can vote, a
///         timelock, sequential proposal ids and a proposal guardian that may cancel a poisoned proposal until it
///         runs (never a defeated one); a proposer may withdraw its proposal only before its vote opens.
/// @dev Each proposal registers its future snapshot on ModelShares (the governor is the model's snapshotter), so
///      that the lazily kept vote history can answer it.
///
///      Votes are read from ModelShares directly, not through `token()` (the model's ModelVotes clone, kept as the
///      `IERC5805` view for external tools): the clock is ModelShares' (block numbers) without a call, a voter's
///      weight is `shares.getPastVotes(modelId, voter, snapshot)` and the supply behind the quorums is the one
///      ModelVotes reports, `getPastTotalSupply(modelId, t)` less the ShareOffering escrow's votes at `t` (the
///      DaoFactory checks both implementations name the same ModelShares and escrow). A vote saves the two hops
///      governor clone -> votes clone -> votes implementation per read.
contract ModelGovernor is
    GovernorSettingsUpgradeable,
    GovernorCountingSimpleUpgradeable,
    GovernorVotesSuperQuorumFractionUpgradeable,
    GovernorTimelockControlUpgradeable,
    GovernorSequentialProposalIdUpgradeable,
    GovernorProposalGuardianUpgradeable
{
    /// @notice Governor settings of one model.
    struct Settings {
        uint48 votingDelay; // blocks from proposal to snapshot
        uint32 votingPeriod; // blocks of voting
        uint256 proposalThreshold; // shares needed to propose
        uint16 quorumPercent; // of the shares that can vote
        uint16 superQuorumPercent; // "for" votes that decide early; >= quorumPercent
        address guardian; // may cancel any proposal; zero for none
    }

    /// @dev `account` had no votes at the proposal's snapshot: a vote of weight zero would only add noise.
    error ModelGovernorNoVotes(uint256 proposalId, address account, uint256 snapshot);

    /// @notice Blocks after its deadline within which a succeeded proposal must be queued, or it expires (about 14
    ///         days of 12-second blocks; block numbers because the deadline is one).
    uint256 public constant QUEUE_WINDOW_BLOCKS = 100_800;
    /// @notice Seconds after its ETA within which a queued proposal must be executed, or it expires.
    uint256 public constant EXECUTION_GRACE_PERIOD = 14 days;

    /// @notice The share contract.
    IModelShares public immutable shares;
    /// @notice A holder whose shares can never vote (the ShareOffering escrow), excluded from the quorums' supply;
    ///         may be zero. The same as the ModelVotes implementation's `nonVotingHolder`.
    address public immutable nonVotingHolder;
    /// @notice The model this governor decides for.
    uint256 public modelId;
    mapping(uint256 proposalId => uint48) private _canceledAt;

    /// @param shares_ The ModelShares deployment.
    /// @param nonVotingHolder_ The ShareOffering deployment (its escrowed shares cannot vote), or zero.
    constructor(IModelShares shares_, address nonVotingHolder_) {
        shares = shares_;
        nonVotingHolder = nonVotingHolder_;
        _disableInitializers();
    }

    /// @notice Sets up the governor of `modelId_`. Called once by the DaoFactory right after cloning.
    /// @param modelId_ The model.
    /// @param votes The model's ModelVotes clone.
    /// @param timelock_ The model's timelock.
    /// @param settings Initial settings.
    function initialize(
        uint256 modelId_,
        IVotes votes,
        TimelockControllerUpgradeable timelock_,
        Settings calldata settings
    ) external initializer {
        __Governor_init(string.concat("modeldao model ", Strings.toString(modelId_)));
        __GovernorSettings_init(settings.votingDelay, settings.votingPeriod, settings.proposalThreshold);
        __GovernorVotes_init(votes);
        __GovernorVotesQuorumFraction_init(settings.quorumPercent);
        __GovernorVotesSuperQuorumFraction_init(settings.superQuorumPercent);
        __GovernorTimelockControl_init(timelock_);
        _setProposalGuardian(settings.guardian);
        modelId = modelId_;
    }

    /// @notice Creates a proposal. The proposer needs `proposalThreshold()` votes now.
    /// @dev Stock Governor reads the proposer's votes at `clock() - 1`, a block ModelShares' lazy history can only
    ///      answer when it is a registered snapshot. The threshold only keeps spam out, so current votes do; the
    ///      votes cast on the proposal are read at its snapshot as usual.
    function propose(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        string memory description
    ) public override returns (uint256) {
        address proposer = _msgSender();
        if (!_isValidDescriptionForProposer(proposer, description)) revert GovernorRestrictedProposer(proposer);
        uint256 threshold = proposalThreshold();
        uint256 votes = shares.getVotes(modelId, proposer);
        if (votes < threshold) revert GovernorInsufficientProposerVotes(proposer, votes, threshold);
        return _propose(targets, values, calldatas, description, proposer);
    }

    /// @dev Registers the proposal's snapshot (clock + voting delay) so its votes can be read back.
    function _propose(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        string memory description,
        address proposer
    ) internal override(GovernorUpgradeable, GovernorSequentialProposalIdUpgradeable) returns (uint256 proposalId) {
        proposalId = super._propose(targets, values, calldatas, description, proposer);
        // The snapshot is clock() + votingDelay (uint48), so the cast is lossless.
        // forge-lint: disable-next-line(unsafe-typecast)
        shares.registerSnapshot(modelId, uint48(proposalSnapshot(proposalId)));
    }

    /// @dev Refuses votes of weight zero (no shares, or all delegated away, at the snapshot).
    function _countVote(uint256 proposalId, address account, uint8 support, uint256 totalWeight, bytes memory params)
        internal
        override(GovernorUpgradeable, GovernorCountingSimpleUpgradeable)
        returns (uint256)
    {
        if (totalWeight == 0) revert ModelGovernorNoVotes(proposalId, account, proposalSnapshot(proposalId));
        return super._countVote(proposalId, account, support, totalWeight, params);
    }

    // ------------------------------------------------------------ votes

    /// @notice ModelShares' clock: block numbers (read here without a call).
    function clock() public view override(GovernorUpgradeable, GovernorVotesUpgradeable) returns (uint48) {
        return Time.blockNumber();
    }

    /// @notice ModelShares' clock mode.
    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() public pure override(GovernorUpgradeable, GovernorVotesUpgradeable) returns (string memory) {
        return "mode=blocknumber&from=default";
    }

    /// @inheritdoc GovernorVotesQuorumFractionUpgradeable
    function quorum(uint256 timepoint)
        public
        view
        override(GovernorUpgradeable, GovernorVotesQuorumFractionUpgradeable)
        returns (uint256)
    {
        return Math.mulDiv(_votingSupply(timepoint), quorumNumerator(timepoint), quorumDenominator());
    }

    /// @inheritdoc GovernorVotesSuperQuorumFractionUpgradeable
    function superQuorum(uint256 timepoint) public view override returns (uint256) {
        return Math.mulDiv(_votingSupply(timepoint), superQuorumNumerator(timepoint), quorumDenominator());
    }

    /// @dev Shares that could vote at `timepoint`: the supply less the escrow's (ModelVotes' `getPastTotalSupply`).
    function _votingSupply(uint256 timepoint) private view returns (uint256 supply) {
        uint256 id = modelId;
        supply = shares.getPastTotalSupply(id, timepoint);
        if (nonVotingHolder != address(0) && supply != 0) supply -= shares.getPastVotes(id, nonVotingHolder, timepoint);
    }

    /// @dev The voter's votes at the snapshot, straight from ModelShares.
    function _getVotes(address account, uint256 timepoint, bytes memory)
        internal
        view
        override(GovernorUpgradeable, GovernorVotesUpgradeable)
        returns (uint256)
    {
        return shares.getPastVotes(modelId, account, timepoint);
    }

    // ------------------------------------------------------- module plumbing

    /// @inheritdoc GovernorUpgradeable
    function votingDelay() public view override(GovernorUpgradeable, GovernorSettingsUpgradeable) returns (uint256) {
        return super.votingDelay();
    }

    /// @inheritdoc GovernorUpgradeable
    function votingPeriod() public view override(GovernorUpgradeable, GovernorSettingsUpgradeable) returns (uint256) {
        return super.votingPeriod();
    }

    /// @inheritdoc GovernorUpgradeable
    function proposalThreshold()
        public
        view
        override(GovernorUpgradeable, GovernorSettingsUpgradeable)
        returns (uint256)
    {
        return super.proposalThreshold();
    }

    /// @inheritdoc GovernorUpgradeable
    /// @dev OpenZeppelin's states plus an expiry, in a cheaper order:
    ///      - during the voting period, a proposal whose "for" votes do not lead cannot pass early, so the super
    ///        quorum module (which reads the snapshot supply first, ~15k gas on every vote) is skipped and the base
    ///        state (Active, or Canceled) is final;
    ///      - a proposal that Succeeded is Expired once `QUEUE_WINDOW_BLOCKS` blocks have passed after its deadline
    ///        block without it being queued (the governor's clock, like the deadline, is block numbers; a proposal
    ///        that passed early by super quorum gets the voting period left on top);
    ///      - a Queued proposal is Expired once `EXECUTION_GRACE_PERIOD` seconds have passed after its ETA (a
    ///        timestamp, from the timelock) without it being executed.
    ///      Queue and execute check `state()`, so an expired proposal can no longer be queued or executed; its
    ///      timelock operation stays pending but only this governor may execute it. Expiry is read, never written.
    function state(uint256 proposalId)
        public
        view
        override(GovernorUpgradeable, GovernorVotesSuperQuorumFractionUpgradeable, GovernorTimelockControlUpgradeable)
        returns (ProposalState current)
    {
        uint256 now_ = clock();
        uint256 deadline = proposalDeadline(proposalId);
        if (proposalSnapshot(proposalId) < now_ && now_ <= deadline && !_voteSucceeded(proposalId)) {
            return GovernorUpgradeable.state(proposalId);
        }
        current = super.state(proposalId);
        if (current == ProposalState.Succeeded) {
            if (now_ > deadline + QUEUE_WINDOW_BLOCKS) current = ProposalState.Expired;
        } else if (current == ProposalState.Queued) {
            if (block.timestamp > proposalEta(proposalId) + EXECUTION_GRACE_PERIOD) current = ProposalState.Expired;
        }
    }

    /// @inheritdoc GovernorCountingSimpleUpgradeable
    function proposalVotes(uint256 proposalId)
        public
        view
        override(GovernorCountingSimpleUpgradeable, GovernorSuperQuorumUpgradeable)
        returns (uint256 againstVotes, uint256 forVotes, uint256 abstainVotes)
    {
        return super.proposalVotes(proposalId);
    }

    /// @inheritdoc GovernorUpgradeable
    function proposalNeedsQueuing(uint256 proposalId)
        public
        view
        override(GovernorUpgradeable, GovernorTimelockControlUpgradeable)
        returns (bool)
    {
        return super.proposalNeedsQueuing(proposalId);
    }

    /// @inheritdoc GovernorUpgradeable
    function getProposalId(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) public view override(GovernorUpgradeable, GovernorSequentialProposalIdUpgradeable) returns (uint256) {
        return super.getProposalId(targets, values, calldatas, descriptionHash);
    }

    /// @notice The block at which `proposalId` was cancelled; 0 if it was not. QualityStaking reads it: a version
    ///         proposal cancelled after its vote opened resolves its staking round as rejected, not refunded.
    /// @param proposalId The proposal.
    function proposalCanceledAt(uint256 proposalId) external view returns (uint48) {
        return _canceledAt[proposalId];
    }

    /// @dev Who may cancel, and when. The proposer only while the proposal is Pending (OpenZeppelin's base rule; the
    ///      guardian module's "no guardian: the proposer, at any point" is dropped, so a proposer can no longer void
    ///      a vote it is losing, or has lost). The guardian while the proposal can still pass or run (Pending, Active,
    ///      Succeeded, Queued; `_cancel` refuses the final states). Nobody cancels a Defeated proposal: it can never
    ///      run, so a cancel would only rewrite a decided outcome.
    function _validateCancel(uint256 proposalId, address caller)
        internal
        view
        override(GovernorUpgradeable, GovernorProposalGuardianUpgradeable)
        returns (bool)
    {
        ProposalState current = state(proposalId);
        if (caller == proposalGuardian()) return current != ProposalState.Defeated;
        return current == ProposalState.Pending && caller == proposalProposer(proposalId);
    }

    function _queueOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(GovernorUpgradeable, GovernorTimelockControlUpgradeable) returns (uint48) {
        return super._queueOperations(proposalId, targets, values, calldatas, descriptionHash);
    }

    function _executeOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(GovernorUpgradeable, GovernorTimelockControlUpgradeable) {
        super._executeOperations(proposalId, targets, values, calldatas, descriptionHash);
    }

    function _cancel(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(GovernorUpgradeable, GovernorTimelockControlUpgradeable) returns (uint256 proposalId) {
        proposalId = super._cancel(targets, values, calldatas, descriptionHash);
        _canceledAt[proposalId] = clock();
    }

    function _executor() internal view override(GovernorUpgradeable, GovernorTimelockControlUpgradeable) returns (address) {
        return super._executor();
    }
}
