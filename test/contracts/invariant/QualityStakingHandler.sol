// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {TestUSD} from "../../../contracts/mocks/TestUSD.sol";
import {IModelShares} from "../../../contracts/interfaces/IModelShares.sol";
import {ModelGovernor} from "../../../contracts/governance/ModelGovernor.sol";
import {QualityStaking} from "../../../contracts/governance/QualityStaking.sol";
import {GovernorHandlerBase} from "./GovernorHandlerBase.sol";

/// @notice Drives QualityStaking over one model's real DAO: holders propose versions (and other things), actors stake
///         on several rounds at once, holders vote, anyone queues and executes, the guardian cancels, the DAO's
///         timelock changes the cut mid-flight, actors resolve early and claim in random order, and a stranger calls
///         every open function with nothing to gain.
contract QualityStakingHandler is GovernorHandlerBase {
    struct Proposal {
        uint256 proposalId;
        bytes data;
        string description;
        bool version;
    }

    IModelShares public immutable shares;
    address public stranger = makeAddr("qs stranger");

    uint256 public constant MAX_PROPOSALS = 8;
    Proposal[] internal _proposals;
    Proposal internal _none;

    mapping(uint256 proposalId => address[]) internal _stakers;
    mapping(uint256 proposalId => mapping(address => bool)) public isStaker;
    mapping(uint256 proposalId => uint256) public ghostStaked;
    mapping(uint256 proposalId => uint256) public ghostPaid;
    mapping(uint256 proposalId => uint256) public ghostCut;
    mapping(uint256 proposalId => mapping(address => uint256)) public ghostPayments;
    uint256 public ghostStakedTotal;
    uint256 public ghostPaidTotal;
    uint256 public ghostCutTotal;
    bool public ghostPaidTwice;
    bool public ghostWrongPayout;
    bool public ghostWrongCut;
    bool public ghostVotesMoved;
    bool public ghostStrangerSucceeded;
    bool public ghostLateExecution;
    bool public ghostLateStake;
    bool public ghostOutcomeMismatch;

    constructor(
        IModelShares shares_,
        TestUSD usd_,
        QualityStaking staking_,
        ModelGovernor governor_,
        address timelock_,
        address guardian_,
        uint256 modelId_,
        address[] memory holders
    )
        GovernorHandlerBase(
            Dao(usd_, staking_, governor_, timelock_, guardian_, modelId_), holders, ["qs dave", "qs erin"]
        )
    {
        shares = shares_;
    }

    // ---------------------------------------------------------------- views

    function proposalCount() external view returns (uint256) {
        return _proposals.length;
    }

    function proposal(uint256 i) external view returns (Proposal memory) {
        return _proposals[i];
    }

    function stakersOf(uint256 proposalId) external view returns (address[] memory) {
        return _stakers[proposalId];
    }

    // -------------------------------------------------------------- helpers

    function _pick(uint256 seed) internal view returns (Proposal storage p, bool ok) {
        return _pickBy(seed, type(uint256).max, false);
    }

    /// @dev The first proposal from `seed` on (round robin) whose state is in `stateMask` (bits `1 << state`) and,
    ///      if `needRound`, that has a round: actions land on proposals where they can do something.
    function _pickBy(uint256 seed, uint256 stateMask, bool needRound)
        internal
        view
        returns (Proposal storage p, bool ok)
    {
        uint256 n = _proposals.length;
        for (uint256 k; k < n; ++k) {
            Proposal storage candidate = _proposals[(seed % n + k) % n];
            if (needRound && !_hasRound(candidate.proposalId)) continue;
            if (stateMask & (1 << uint8(governor.state(candidate.proposalId))) == 0) continue;
            return (candidate, true);
        }
        return (_none, false);
    }

    uint256 internal constant OPEN_FOR_ROUNDS = PENDING;

    function _actions(Proposal storage p)
        internal
        view
        returns (address[] memory targets, uint256[] memory values, bytes[] memory calldatas)
    {
        return _single(address(shares), p.data);
    }

    function _hasRound(uint256 proposalId) internal view returns (bool) {
        return staking.roundOf(modelId, proposalId).expiresAt != 0;
    }

    function _poolTotal() internal view returns (uint256 total) {
        (total,) = shares.feePool(modelId);
    }

    function _votes() internal view returns (uint256[HOLDERS] memory votes) {
        for (uint256 i; i < HOLDERS; ++i) {
            votes[i] = shares.getVotes(modelId, actors[i]);
        }
    }

    function _checkVotes(uint256[HOLDERS] memory before) internal {
        uint256[HOLDERS] memory afterwards = _votes();
        for (uint256 i; i < HOLDERS; ++i) {
            if (afterwards[i] != before[i]) ghostVotesMoved = true;
        }
    }

    /// @dev Books the cut a resolution paid into the fee pool and checks it is the round's cut of the losers.
    function _bookResolution(uint256 proposalId, uint256 poolBefore, QualityStaking.Outcome before) internal {
        QualityStaking.Round memory round = staking.roundOf(modelId, proposalId);
        uint256 cut = _poolTotal() - poolBefore;
        if (before != QualityStaking.Outcome.Unresolved) {
            if (cut != 0) ghostWrongCut = true; // resolved twice
            return;
        }
        if (round.outcome == QualityStaking.Outcome.Unresolved) return;
        _checkOutcome(proposalId, round);
        uint256 expected;
        if (round.outcome != QualityStaking.Outcome.Refunded) {
            uint256 losers = round.outcome == QualityStaking.Outcome.Promoted ? round.totalAgainst : round.totalFor;
            expected = losers * round.cutBps / staking.BPS();
            if (round.prize + expected != losers) ghostWrongCut = true;
        }
        if (cut != expected) ghostWrongCut = true;
        ghostCut[proposalId] += cut;
        ghostCutTotal += cut;
    }

    /// @dev The outcome follows the governor alone: Promoted only if executed; Rejected only if defeated, expired or
    ///      cancelled after its vote opened; Refunded if cancelled before or a side was empty.
    function _checkOutcome(uint256 proposalId, QualityStaking.Round memory round) internal {
        IGovernor.ProposalState state = governor.state(proposalId);
        bool emptySide = round.totalFor == 0 || round.totalAgainst == 0;
        bool canceled = state == IGovernor.ProposalState.Canceled;
        bool lateCancel = canceled && governor.proposalCanceledAt(proposalId) > governor.proposalSnapshot(proposalId);
        if (round.outcome == QualityStaking.Outcome.Promoted) {
            if (state != IGovernor.ProposalState.Executed) ghostOutcomeMismatch = true;
        } else if (round.outcome == QualityStaking.Outcome.Rejected) {
            if (state != IGovernor.ProposalState.Defeated && state != IGovernor.ProposalState.Expired && !lateCancel) {
                ghostOutcomeMismatch = true;
            }
        } else if (!emptySide && (!canceled || lateCancel)) {
            ghostOutcomeMismatch = true;
        }
    }

    function _resolve(uint256 proposalId) internal {
        QualityStaking.Outcome before = staking.roundOf(modelId, proposalId).outcome;
        uint256 poolBefore = _poolTotal();
        try staking.resolve(modelId, proposalId) {
            _bookResolution(proposalId, poolBefore, before);
        } catch {
            // Only an undecided round may refuse to resolve.
            if (before != QualityStaking.Outcome.Unresolved) ghostWrongCut = true;
        }
    }

    // -------------------------------------------------------------- actions

    /// @notice A holder proposes a new version; the round is opened right away or later (`openRound`).
    function proposeVersion(uint256 holderSeed, bool openNow) external {
        if (_proposals.length >= MAX_PROPOSALS) return;
        uint256 n = _proposals.length;
        bytes memory data = abi.encodeCall(IModelShares.setManifest, (modelId, string.concat("bafy-v", vm.toString(n))));
        string memory description = string.concat("version ", vm.toString(n));
        uint256 proposalId = _proposeAs(actors[holderSeed % HOLDERS], data, description);
        _proposals.push(Proposal({proposalId: proposalId, data: data, description: description, version: true}));
        if (openNow) openRound(n);
    }

    /// @notice A holder proposes something else (a price change): no round may open on it.
    function proposeOther(uint256 holderSeed, uint256 price) external {
        if (_proposals.length >= MAX_PROPOSALS) return;
        uint256 n = _proposals.length;
        bytes memory data = abi.encodeCall(IModelShares.setPricePerRequest, (modelId, bound(price, 1, 1e9)));
        string memory description = string.concat("price ", vm.toString(n));
        uint256 proposalId = _proposeAs(actors[holderSeed % HOLDERS], data, description);
        _proposals.push(Proposal({proposalId: proposalId, data: data, description: description, version: false}));
    }

    function _proposeAs(address proposer, bytes memory data, string memory description)
        internal
        returns (uint256 proposalId)
    {
        address[] memory targets = new address[](1);
        targets[0] = address(shares);
        uint256[] memory values = new uint256[](1);
        bytes[] memory calldatas = new bytes[](1);
        calldatas[0] = data;
        vm.prank(proposer);
        proposalId = governor.propose(targets, values, calldatas, description);
        ++calls["propose"];
    }

    function openRound(uint256 proposalSeed) public {
        (Proposal storage p, bool ok) = _pickBy(proposalSeed, OPEN_FOR_ROUNDS, false);
        if (!ok || !p.version || _hasRound(p.proposalId)) return;
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) = _actions(p);
        staking.openRound(modelId, p.proposalId, targets, values, calldatas, keccak256(bytes(p.description)));
        ++calls["openRound"];
    }

    function stake(uint256 actorSeed, uint256 proposalSeed, bool support, uint256 amount) external {
        // Stakes are taken until the vote opens: a pending proposal with a round.
        (Proposal storage p, bool ok) = _pickBy(proposalSeed, PENDING, true);
        if (!ok) return;
        address actor = _actor(actorSeed);
        amount = bound(amount, 1, 1e24);
        uint256[HOLDERS] memory votes = _votes();
        deal(address(usd), actor, usd.balanceOf(actor) + amount, true);
        vm.startPrank(actor);
        usd.approve(address(staking), amount);
        staking.stake(modelId, p.proposalId, support, amount);
        vm.stopPrank();
        _checkVotes(votes);
        if (!isStaker[p.proposalId][actor]) {
            isStaker[p.proposalId][actor] = true;
            _stakers[p.proposalId].push(actor);
        }
        ghostStaked[p.proposalId] += amount;
        ghostStakedTotal += amount;
        ++calls["stake"];
    }

    /// @notice A late staker tries to bet once the vote is open (or over), with funds and allowance: refused.
    function stakeLate(uint256 actorSeed, uint256 proposalSeed, bool support, uint256 amount) external {
        (Proposal storage p, bool ok) = _pickBy(proposalSeed, ~PENDING, true);
        if (!ok) return;
        address actor = _actor(actorSeed);
        amount = bound(amount, 1, 1e24);
        deal(address(usd), actor, usd.balanceOf(actor) + amount, true);
        vm.startPrank(actor);
        usd.approve(address(staking), amount);
        try staking.stake(modelId, p.proposalId, support, amount) {
            ghostLateStake = true;
        } catch {}
        usd.approve(address(staking), 0);
        vm.stopPrank();
        ++calls["stakeLate"];
    }

    function vote(uint256 holderSeed, uint256 proposalSeed, uint8 support) external {
        (Proposal storage p, bool ok) = _pickBy(proposalSeed, ACTIVE, false);
        if (!ok) return;
        address voter = actors[holderSeed % HOLDERS];
        if (governor.hasVoted(p.proposalId, voter)) return;
        vm.prank(voter);
        // Mostly "for" (half), so that versions pass and get executed; against and abstain a quarter each.
        governor.castVote(p.proposalId, support % 4 == 3 ? 2 : support % 2 == 0 ? 1 : 0);
        ++calls["vote"];
    }

    function queue(uint256 proposalSeed) external {
        (Proposal storage p, bool ok) = _pickBy(proposalSeed, SUCCEEDED, false);
        if (!ok) return;
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) = _actions(p);
        governor.queue(targets, values, calldatas, keccak256(bytes(p.description)));
        ++calls["queue"];
    }

    function execute(uint256 proposalSeed) external {
        (Proposal storage p, bool ok) = _pickBy(proposalSeed, QUEUED, false);
        if (!ok) {
            // Nothing queued: queue a passed proposal first.
            (p, ok) = _pickBy(proposalSeed, SUCCEEDED, false);
            if (!ok) return;
            (address[] memory t, uint256[] memory v, bytes[] memory c) = _actions(p);
            governor.queue(t, v, c, keccak256(bytes(p.description)));
        }
        uint256 eta = governor.proposalEta(p.proposalId);
        if (block.timestamp < eta) vm.warp(eta);
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) = _actions(p);
        governor.execute(targets, values, calldatas, keccak256(bytes(p.description)));
        ++calls["execute"];
    }

    /// @notice Someone executes a queued proposal after its grace period: the governor must refuse (it is Expired).
    function executeLate(uint256 proposalSeed) external {
        (Proposal storage p, bool ok) = _pickBy(proposalSeed, QUEUED, false);
        if (!ok) return;
        vm.warp(governor.proposalEta(p.proposalId) + governor.EXECUTION_GRACE_PERIOD() + 1);
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) = _actions(p);
        try governor.execute(targets, values, calldatas, keccak256(bytes(p.description))) {
            ghostLateExecution = true;
        } catch {}
        if (governor.state(p.proposalId) != IGovernor.ProposalState.Expired) ghostLateExecution = true;
        ++calls["executeLate"];
    }

    /// @notice The guardian cancels a proposal that is not final yet (one call in three, so that most run their
    ///         course), mid-vote included: it must succeed unless the proposal is defeated.
    function cancel(uint256 proposalSeed) external {
        if (proposalSeed % 3 != 0) return;
        (Proposal storage p, bool ok) = _pickBy(proposalSeed / 3, ~FINAL, false);
        if (!ok) return;
        _cancelChecked(guardian, p.proposalId, address(shares), p.data, p.description, "cancel");
    }

    /// @notice The proposer tries to cancel its own proposal in any state (a losing proposer voiding its bet): only a
    ///         pending proposal may be withdrawn.
    function proposerCancel(uint256 proposalSeed) external {
        (Proposal storage p, bool ok) = _pickBy(proposalSeed, ~FINAL, false);
        if (!ok) return;
        _cancelChecked(governor.proposalProposer(p.proposalId), p.proposalId, address(shares), p.data, p.description, "proposerCancel");
    }

    /// @notice Anyone resolves, possibly too early (then it must revert and change nothing).
    function resolve(uint256 proposalSeed) external {
        (Proposal storage p, bool ok) = _pickBy(proposalSeed, type(uint256).max, true);
        if (!ok) return;
        _resolve(p.proposalId);
        ++calls["resolve"];
    }

    /// @notice An actor claims: it is paid exactly what `claimable` said once the round was resolved, or nothing.
    function claim(uint256 actorSeed, uint256 proposalSeed) external {
        (Proposal storage p, bool ok) = _pickBy(proposalSeed, type(uint256).max, true);
        if (!ok) return;
        // Mostly someone who staked on the round; sometimes anyone.
        address[] storage stakers = _stakers[p.proposalId];
        address actor = stakers.length != 0 && actorSeed % 4 != 0
            ? stakers[(actorSeed / 4) % stakers.length]
            : _actor(actorSeed);
        _resolve(p.proposalId);
        uint256 expected = staking.claimable(modelId, p.proposalId, actor);
        uint256[HOLDERS] memory votes = _votes();
        uint256 balanceBefore = usd.balanceOf(actor);
        vm.prank(actor);
        try staking.claim(modelId, p.proposalId) returns (uint256 amount) {
            if (amount != expected || usd.balanceOf(actor) - balanceBefore != amount || amount == 0) {
                ghostWrongPayout = true;
            }
            if (++ghostPayments[p.proposalId][actor] > 1) ghostPaidTwice = true;
            ghostPaid[p.proposalId] += amount;
            ghostPaidTotal += amount;
            ++calls["claim"];
        } catch {
            if (expected != 0 && staking.roundOf(modelId, p.proposalId).outcome != QualityStaking.Outcome.Unresolved) {
                ghostWrongPayout = true;
            }
        }
        _checkVotes(votes);
    }

    /// @notice The DAO changes its cut mid-flight (through its timelock).
    function setCut(uint256 cutBps) external {
        uint16 cut = uint16(bound(cutBps, 0, staking.MAX_CUT_BPS()));
        vm.prank(timelock);
        staking.setCut(modelId, cut);
        ++calls["setCut"];
    }

    /// @notice A stranger calls every open function; none may succeed except a harmless `resolve`.
    function strangerAttacks(uint256 proposalSeed, uint16 cutBps, uint256 amount) external {
        address[] memory targets = new address[](1);
        targets[0] = address(shares);
        uint256[] memory values = new uint256[](1);
        bytes[] memory calldatas = new bytes[](1);
        calldatas[0] = abi.encodeCall(IModelShares.setManifest, (modelId, "bafy-forged"));
        (Proposal storage p, bool ok) = _pick(proposalSeed);
        uint256 proposalId = ok ? p.proposalId : proposalSeed;
        string memory description = ok ? p.description : "forged";
        vm.startPrank(stranger);
        // Forged actions under a real proposal's id and description.
        try staking.openRound(modelId, proposalId, targets, values, calldatas, keccak256(bytes(description))) {
            ghostStrangerSucceeded = true;
        } catch {}
        // A non-version proposal's own actions.
        if (ok && !p.version) {
            (targets, values, calldatas) = _actions(p);
            try staking.openRound(modelId, proposalId, targets, values, calldatas, keccak256(bytes(description))) {
                ghostStrangerSucceeded = true;
            } catch {}
        }
        try staking.claim(modelId, proposalId) {
            ghostStrangerSucceeded = true;
        } catch {}
        try staking.setCut(modelId, cutBps) {
            ghostStrangerSucceeded = true;
        } catch {}
        // A stake without funds or allowance.
        try staking.stake(modelId, proposalId, true, bound(amount, 1, 1e24)) {
            ghostStrangerSucceeded = true;
        } catch {}
        vm.stopPrank();
        // Resolving early is open to anyone and must change nothing until the DAO decides.
        if (ok && _hasRound(proposalId)) _resolve(proposalId);
        ++calls["stranger"];
    }

    /// @notice Moves past the end of an open vote.
    function endVote(uint256 proposalSeed) external {
        (Proposal storage p, bool ok) = _pickBy(proposalSeed, ACTIVE, false);
        if (!ok) return;
        uint256 end = governor.proposalDeadline(p.proposalId) + 1;
        vm.warp(block.timestamp + (end - block.number) * 12);
        vm.roll(end);
    }

    function roll(uint256 blocks) external {
        blocks = bound(blocks, 1, 25);
        vm.roll(block.number + blocks);
        vm.warp(block.timestamp + blocks * 12);
    }

    function warp(uint256 secs) external {
        vm.warp(block.timestamp + bound(secs, 1 hours, 25 days));
    }

    // ------------------------------------------------------------ settlement

    /// @notice Ends every vote, lets every passed proposal expire in the governor (queue window, execution grace
    ///         period), and has every staker claim every round.
    function settleAll() external {
        vm.roll(block.number + 1_000 + governor.QUEUE_WINDOW_BLOCKS());
        uint256 delay = TimelockController(payable(timelock)).getMinDelay();
        vm.warp(block.timestamp + delay + governor.EXECUTION_GRACE_PERIOD() + 1);
        for (uint256 i; i < _proposals.length; ++i) {
            uint256 proposalId = _proposals[i].proposalId;
            if (!_hasRound(proposalId)) continue;
            _resolve(proposalId);
            address[] storage stakers = _stakers[proposalId];
            for (uint256 j; j < stakers.length; ++j) {
                uint256 expected = staking.claimable(modelId, proposalId, stakers[j]);
                if (expected == 0) continue;
                vm.prank(stakers[j]);
                uint256 amount = staking.claim(modelId, proposalId);
                if (amount != expected) ghostWrongPayout = true;
                if (++ghostPayments[proposalId][stakers[j]] > 1) ghostPaidTwice = true;
                ghostPaid[proposalId] += amount;
                ghostPaidTotal += amount;
            }
        }
    }
}
