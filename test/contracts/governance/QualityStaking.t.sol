// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {IModelShares} from "../../../contracts/interfaces/IModelShares.sol";
import {ModelGovernor} from "../../../contracts/governance/ModelGovernor.sol";
import {QualityStaking} from "../../../contracts/governance/QualityStaking.sol";
import {DaoBase} from "./DaoBase.sol";

/// @notice QualityStaking over a real DAO (DaoBase: creator 40%, alice 30%, bob 20%, carol 10%; quorum 20%, super
///         quorum 60%, guardian). Amounts are TestUSD units (6 decimals).
contract QualityStakingTest is DaoBase {
    address internal dave = makeAddr("dave");
    address internal erin = makeAddr("erin");
    address internal frank = makeAddr("frank");

    string internal constant V2 = "bafy-v2";
    string internal constant DESC = "Promote v2";

    function setUp() public override {
        super.setUp();
        _createDao(id);
    }

    // ---------------------------------------------------------------- helpers

    function _versionCall(uint256 modelId, string memory cid) internal pure returns (bytes memory) {
        return abi.encodeCall(IModelShares.setManifest, (modelId, cid));
    }

    /// @dev Proposes `setManifest(id, cid)` (creator proposes) and opens its round while it is pending.
    function _proposeVersion(string memory cid, string memory description) internal returns (uint256 proposalId) {
        proposalId = _propose(creator, address(shares), _versionCall(id, cid), description);
        _open(proposalId, _versionCall(id, cid), description);
    }

    function _open(uint256 proposalId, bytes memory data, string memory description) internal {
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) = _one(address(shares), data);
        vm.prank(stranger); // anyone may open a round
        staking.openRound(id, proposalId, targets, values, calldatas, keccak256(bytes(description)));
    }

    function _stake(address who, uint256 proposalId, bool support, uint256 amount) internal {
        _fund(who, amount);
        vm.startPrank(who);
        usd.approve(address(staking), amount);
        staking.stake(id, proposalId, support, amount);
        vm.stopPrank();
    }

    function _claim(address who, uint256 proposalId) internal returns (uint256 paid) {
        uint256 before = usd.balanceOf(who);
        vm.prank(who);
        paid = staking.claim(id, proposalId);
        assertEq(usd.balanceOf(who) - before, paid, "transferred == returned");
    }

    function _cancel(string memory cid, string memory description) internal {
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) =
            _one(address(shares), _versionCall(id, cid));
        ModelGovernor governor = _governor(id);
        vm.prank(guardian);
        governor.cancel(targets, values, calldatas, keccak256(bytes(description)));
    }

    function _poolTotal() internal view returns (uint256 total) {
        (total,) = shares.feePool(id);
    }

    /// @dev for: dave 100, erin 200; against: frank 100 (USD). Creator (40%) votes for: quorum, no super quorum.
    function _standardRound() internal returns (uint256 proposalId) {
        proposalId = _proposeVersion(V2, DESC);
        _stake(dave, proposalId, true, 100e6);
        _stake(erin, proposalId, true, 200e6);
        _stake(frank, proposalId, false, 100e6);
        _startVoting();
        _vote(proposalId, creator, 1);
        _endVoting();
    }

    // -------------------------------------------------------------- lifecycle

    function test_openRound_recordsTheCandidateAndDefaultCut() public {
        uint256 opened = block.timestamp;
        uint256 proposalId = _proposeVersion(V2, DESC);
        QualityStaking.Round memory round = staking.roundOf(id, proposalId);
        assertEq(round.manifestCid, V2);
        assertEq(round.cutBps, 500, "default cut 5%");
        assertEq(round.expiresAt, opened, "the opening time: rounds have no window of their own");
        assertEq(uint8(round.outcome), uint8(QualityStaking.Outcome.Unresolved));
    }

    function test_claim_executedPaysTheForSideAndTheCutToHolders() public {
        uint256 proposalId = _standardRound();
        _queueAndExecute(address(shares), _versionCall(id, V2), DESC);
        assertEq(shares.manifestCid(id), V2);

        // Losers: 100e6; cut 5% = 5e6 to the fee pool; prize 95e6 for 300e6 of winning stake.
        assertEq(uint8(staking.resolve(id, proposalId)), uint8(QualityStaking.Outcome.Promoted));
        QualityStaking.Round memory round = staking.roundOf(id, proposalId);
        assertEq(round.prize, 95e6);
        assertEq(_poolTotal(), 5e6, "cut in the model's fee pool");
        assertEq(staking.claimable(id, proposalId, dave), 100e6 + 31_666_666);
        assertEq(staking.claimable(id, proposalId, frank), 0);

        // dave: floor(100e6 * 95e6 / 300e6) = 31,666,666; erin, last, takes the remainder 63,333,334.
        assertEq(_claim(dave, proposalId), 100e6 + 31_666_666);
        assertEq(_claim(erin, proposalId), 200e6 + 63_333_334);
        vm.prank(frank);
        vm.expectRevert(
            abi.encodeWithSelector(QualityStaking.QualityStakingNothingToClaim.selector, id, proposalId, frank)
        );
        staking.claim(id, proposalId);
        assertEq(usd.balanceOf(address(staking)), 0, "every unit paid out");
        assertEq(usd.balanceOf(frank), 0);

        // Holders claim the cut pro rata: 40/30/20/10 of 5e6.
        vm.prank(creator);
        assertEq(shares.claim(id), 2e6);
        vm.prank(alice);
        assertEq(shares.claim(id), 1.5e6);
        vm.prank(bob);
        assertEq(shares.claim(id), 1e6);
        vm.prank(carol);
        assertEq(shares.claim(id), 0.5e6);
    }

    function test_claim_lastClaimerTakesTheRemainderInAnyOrder() public {
        uint256 proposalId = _standardRound();
        _queueAndExecute(address(shares), _versionCall(id, V2), DESC);
        // Reverse order: erin floor(200e6 * 95e6 / 300e6) = 63,333,333; dave, last, 31,666,667.
        assertEq(_claim(erin, proposalId), 200e6 + 63_333_333);
        assertEq(_claim(dave, proposalId), 100e6 + 31_666_667);
        assertEq(usd.balanceOf(address(staking)), 0);
    }

    function test_claim_defeatedPaysTheAgainstSide() public {
        uint256 proposalId = _proposeVersion(V2, DESC);
        _stake(dave, proposalId, true, 50e6);
        _stake(erin, proposalId, false, 30e6);
        _stake(frank, proposalId, false, 40e6);
        _startVoting();
        _vote(proposalId, carol, 1);
        _vote(proposalId, bob, 0);
        _endVoting();
        assertEq(uint8(_state(proposalId)), uint8(IGovernor.ProposalState.Defeated));
        // Losers 50e6: cut 2.5e6, prize 47.5e6 over 70e6. erin floor(30/70 * 47.5e6) = 20,357,142; frank the rest.
        assertEq(_claim(erin, proposalId), 30e6 + 20_357_142);
        assertEq(uint8(staking.roundOf(id, proposalId).outcome), uint8(QualityStaking.Outcome.Rejected));
        assertEq(_claim(frank, proposalId), 40e6 + 27_142_858);
        vm.prank(dave);
        vm.expectRevert(
            abi.encodeWithSelector(QualityStaking.QualityStakingNothingToClaim.selector, id, proposalId, dave)
        );
        staking.claim(id, proposalId);
        assertEq(_poolTotal(), 2.5e6);
        assertEq(usd.balanceOf(address(staking)), 0);
    }

    function _unexpected(uint256 proposalId, IGovernor.ProposalState current, uint256 expectedMask)
        internal
        pure
        returns (bytes memory)
    {
        return abi.encodeWithSelector(
            IGovernor.GovernorUnexpectedProposalState.selector, proposalId, current, bytes32(expectedMask)
        );
    }

    /// @dev What `execute` accepts for a proposal that needs queuing.
    uint256 internal constant QUEUED = 1 << uint8(IGovernor.ProposalState.Queued);

    function test_resolve_queuedButNotExecutedInTimeIsRejected() public {
        uint256 proposalId = _standardRound();
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) =
            _one(address(shares), _versionCall(id, V2));
        ModelGovernor governor = _governor(id);
        governor.queue(targets, values, calldatas, keccak256(bytes(DESC)));
        // Queued, up to the last second of the grace period: undecided.
        vm.warp(governor.proposalEta(proposalId) + governor.EXECUTION_GRACE_PERIOD());
        vm.expectRevert(
            abi.encodeWithSelector(
                QualityStaking.QualityStakingUnresolved.selector, proposalId, IGovernor.ProposalState.Queued
            )
        );
        staking.resolve(id, proposalId);
        vm.warp(block.timestamp + 1);
        assertEq(uint8(_state(proposalId)), uint8(IGovernor.ProposalState.Expired));
        assertEq(uint8(staking.resolve(id, proposalId)), uint8(QualityStaking.Outcome.Rejected));
        // Against wins: frank 100e6 + the whole prize (300e6 less the 5% cut = 285e6).
        assertEq(_claim(frank, proposalId), 100e6 + 285e6);
        assertEq(_poolTotal(), 15e6);
        // A late execution is refused by the governor: the round cannot be contradicted.
        vm.expectRevert(_unexpected(proposalId, IGovernor.ProposalState.Expired, QUEUED));
        governor.execute(targets, values, calldatas, keccak256(bytes(DESC)));
        assertEq(uint8(staking.resolve(id, proposalId)), uint8(QualityStaking.Outcome.Rejected));
        assertEq(usd.balanceOf(address(staking)), 0);
    }

    /// @dev Review finding: the version was executed after the round's 60-day window and nobody had called
    ///      `resolve` in between, so the round resolved Promoted and the "for" side took the prize although the
    ///      version had lapsed. Now the governor itself expires the proposal: the late execution reverts, the
    ///      manifest stays, and the round resolves Rejected whoever calls first.
    function test_finding_lateExecutionCannotPromote() public {
        uint256 opened = block.timestamp;
        string memory manifest = shares.manifestCid(id);
        uint256 proposalId = _standardRound();
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) =
            _one(address(shares), _versionCall(id, V2));
        ModelGovernor governor = _governor(id);
        governor.queue(targets, values, calldatas, keccak256(bytes(DESC)));
        // Nobody resolves; well after the former window, someone executes.
        vm.warp(opened + 60 days + 1);
        vm.expectRevert(_unexpected(proposalId, IGovernor.ProposalState.Expired, QUEUED));
        governor.execute(targets, values, calldatas, keccak256(bytes(DESC)));
        assertEq(shares.manifestCid(id), manifest, "the lapsed version was not promoted");
        assertEq(uint8(staking.resolve(id, proposalId)), uint8(QualityStaking.Outcome.Rejected));
        vm.prank(dave);
        vm.expectRevert(
            abi.encodeWithSelector(QualityStaking.QualityStakingNothingToClaim.selector, id, proposalId, dave)
        );
        staking.claim(id, proposalId);
        assertEq(_claim(frank, proposalId), 100e6 + 285e6);
    }

    function test_resolve_succeededButNeverQueuedExpires() public {
        uint256 proposalId = _standardRound();
        ModelGovernor governor = _governor(id);
        assertEq(uint8(_state(proposalId)), uint8(IGovernor.ProposalState.Succeeded));
        // Up to the last block of the queue window: undecided (time alone does not expire it, blocks do).
        vm.roll(governor.proposalDeadline(proposalId) + governor.QUEUE_WINDOW_BLOCKS());
        vm.warp(block.timestamp + 365 days);
        vm.expectRevert(
            abi.encodeWithSelector(
                QualityStaking.QualityStakingUnresolved.selector, proposalId, IGovernor.ProposalState.Succeeded
            )
        );
        staking.resolve(id, proposalId);
        vm.roll(block.number + 1);
        assertEq(uint8(staking.resolve(id, proposalId)), uint8(QualityStaking.Outcome.Rejected));
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) =
            _one(address(shares), _versionCall(id, V2));
        vm.expectRevert(
            _unexpected(proposalId, IGovernor.ProposalState.Expired, 1 << uint8(IGovernor.ProposalState.Succeeded))
        );
        governor.queue(targets, values, calldatas, keccak256(bytes(DESC)));
    }

    function test_claim_cancelledBeforeTheVoteRefundsEveryone() public {
        uint256 proposalId = _proposeVersion(V2, DESC);
        _stake(dave, proposalId, true, 100e6);
        _stake(erin, proposalId, false, 7e6);
        // A staker on both sides gets both back.
        _stake(frank, proposalId, true, 3e6);
        _stake(frank, proposalId, false, 5e6);
        // The guardian cancels while stakes are still open (the proposal is pending): the round is void.
        _cancel(V2, DESC);
        assertEq(uint8(staking.resolve(id, proposalId)), uint8(QualityStaking.Outcome.Refunded));
        assertEq(_claim(dave, proposalId), 100e6);
        assertEq(_claim(erin, proposalId), 7e6);
        assertEq(_claim(frank, proposalId), 8e6);
        assertEq(_poolTotal(), 0, "no cut on a refund");
        assertEq(usd.balanceOf(address(staking)), 0);
    }

    /// @dev Review finding (a losing proposer voids the bet): with no guardian (the CLI default) the proposer could
    ///      cancel its version proposal once it was Defeated, and a cancelled round refunded everyone, so its "for"
    ///      stake was a free option. Now the proposer cannot cancel once the vote opened; the round pays "against".
    function test_finding_losingProposerCannotVoidTheBet() public {
        uint256 other = _createModel(creator, SUPPLY, 0);
        _transfer(creator, alice, other, 300_000);
        _transfer(creator, bob, other, 200_000);
        _createDao(other, _settingsWithoutGuardian());
        id = other;
        vm.roll(block.number + 1);

        uint256 proposalId = _proposeVersion(V2, DESC);
        _stake(creator, proposalId, true, 100e6);
        _stake(frank, proposalId, false, 100e6);
        _startVoting();
        _vote(proposalId, creator, 1);
        _vote(proposalId, alice, 0);
        _vote(proposalId, bob, 0);
        _endVoting();
        assertEq(uint8(_state(proposalId)), uint8(IGovernor.ProposalState.Defeated));
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) =
            _one(address(shares), _versionCall(id, V2));
        ModelGovernor governor = _governor(id);
        vm.prank(creator);
        vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorUnableToCancel.selector, proposalId, creator));
        governor.cancel(targets, values, calldatas, keccak256(bytes(DESC)));
        assertEq(uint8(staking.resolve(id, proposalId)), uint8(QualityStaking.Outcome.Rejected));
        assertEq(_claim(frank, proposalId), 100e6 + 95e6, "against takes the proposer's stake less the cut");
        vm.prank(creator);
        vm.expectRevert(
            abi.encodeWithSelector(QualityStaking.QualityStakingNothingToClaim.selector, id, proposalId, creator)
        );
        staking.claim(id, proposalId);
    }

    /// @dev Same finding, guardian side: the guardian may still cancel a version mid-vote (a poisoned candidate),
    ///      but a cancel after the vote opened no longer voids the round: the candidate was not promoted, so "against"
    ///      wins. (A cancel while the proposal is pending, when stakes are still open, refunds everyone.)
    function test_finding_guardianCancelAfterTheVoteOpensRejects() public {
        uint256 proposalId = _proposeVersion(V2, DESC);
        _stake(dave, proposalId, true, 100e6);
        _stake(frank, proposalId, false, 20e6);
        _startVoting();
        _vote(proposalId, bob, 0); // "for" is losing
        _cancel(V2, DESC);
        assertEq(uint8(_state(proposalId)), uint8(IGovernor.ProposalState.Canceled));
        assertEq(uint8(staking.resolve(id, proposalId)), uint8(QualityStaking.Outcome.Rejected));
        assertEq(_claim(frank, proposalId), 20e6 + 95e6);
        assertEq(_poolTotal(), 5e6);
        assertEq(usd.balanceOf(address(staking)), 0);
    }

    function test_claim_oneEmptySideRefunds() public {
        uint256 proposalId = _proposeVersion(V2, DESC);
        _stake(dave, proposalId, true, 100e6);
        _stake(erin, proposalId, true, 1);
        _startVoting();
        _vote(proposalId, creator, 1);
        _endVoting();
        _queueAndExecute(address(shares), _versionCall(id, V2), DESC);
        assertEq(_claim(erin, proposalId), 1);
        assertEq(uint8(staking.roundOf(id, proposalId).outcome), uint8(QualityStaking.Outcome.Refunded));
        assertEq(_claim(dave, proposalId), 100e6);
        assertEq(_poolTotal(), 0);
        assertEq(usd.balanceOf(address(staking)), 0);
    }

    function test_claim_twiceReverts() public {
        uint256 proposalId = _standardRound();
        _queueAndExecute(address(shares), _versionCall(id, V2), DESC);
        _claim(dave, proposalId);
        vm.prank(dave);
        vm.expectRevert(
            abi.encodeWithSelector(QualityStaking.QualityStakingNothingToClaim.selector, id, proposalId, dave)
        );
        staking.claim(id, proposalId);
    }

    function test_claim_beforeTheDecisionReverts() public {
        uint256 proposalId = _proposeVersion(V2, DESC);
        _stake(dave, proposalId, true, 1e6);
        _startVoting();
        vm.prank(dave);
        vm.expectRevert(
            abi.encodeWithSelector(
                QualityStaking.QualityStakingUnresolved.selector, proposalId, IGovernor.ProposalState.Active
            )
        );
        staking.claim(id, proposalId);
    }

    // ------------------------------------------------------------- the cut

    function test_setCut_timelockOnlyAndForLaterRounds() public {
        address timelock = factory.timelockOf(id);
        uint256 first = _proposeVersion(V2, DESC);
        vm.prank(timelock);
        vm.expectEmit(address(staking));
        emit QualityStaking.CutChanged(id, 1_000);
        staking.setCut(id, 1_000);
        assertEq(staking.cutOf(id), 1_000);
        uint256 second = _proposeVersion("bafy-v3", "Promote v3");
        assertEq(staking.roundOf(id, first).cutBps, 500, "an open round keeps its cut");
        assertEq(staking.roundOf(id, second).cutBps, 1_000);
        // Zero is a valid cut, distinct from "never set".
        vm.prank(timelock);
        staking.setCut(id, 0);
        assertEq(staking.cutOf(id), 0);
    }

    function test_setCut_byAStrangerReverts() public {
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(QualityStaking.QualityStakingUnauthorized.selector, id, stranger));
        staking.setCut(id, 0);
        // The former admin has no say either.
        vm.prank(creator);
        vm.expectRevert(abi.encodeWithSelector(QualityStaking.QualityStakingUnauthorized.selector, id, creator));
        staking.setCut(id, 2_000);
        // Nor has anyone for a model without a DAO.
        uint256 other = _createModel(creator, SUPPLY, 0);
        vm.prank(creator);
        vm.expectRevert(abi.encodeWithSelector(QualityStaking.QualityStakingUnauthorized.selector, other, creator));
        staking.setCut(other, 0);
    }

    function test_setCut_aboveTheMaximumReverts() public {
        vm.prank(factory.timelockOf(id));
        vm.expectRevert(abi.encodeWithSelector(QualityStaking.QualityStakingInvalidCut.selector, 2_001, 2_000));
        staking.setCut(id, 2_001);
    }

    function test_claim_usesTheRoundsCutAfterAChange() public {
        uint256 proposalId = _standardRound();
        vm.prank(factory.timelockOf(id));
        staking.setCut(id, 2_000);
        _queueAndExecute(address(shares), _versionCall(id, V2), DESC);
        staking.resolve(id, proposalId);
        assertEq(_poolTotal(), 5e6, "5% of 100e6, not 20%");
    }

    // ------------------------------------------------------------ openRound

    function test_openRound_nonVersionProposalReverts() public {
        bytes memory data = abi.encodeCall(IModelShares.setPricePerRequest, (id, 7));
        uint256 proposalId = _propose(alice, address(shares), data, "price");
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) = _one(address(shares), data);
        vm.expectRevert(
            abi.encodeWithSelector(QualityStaking.QualityStakingNotAVersionProposal.selector, id, proposalId)
        );
        staking.openRound(id, proposalId, targets, values, calldatas, keccak256("price"));
    }

    function test_openRound_anotherModelsManifestReverts() public {
        uint256 other = _createModel(creator, SUPPLY, 0);
        bytes memory data = _versionCall(other, V2);
        uint256 proposalId = _propose(alice, address(shares), data, "other");
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) = _one(address(shares), data);
        vm.expectRevert(
            abi.encodeWithSelector(QualityStaking.QualityStakingNotAVersionProposal.selector, id, proposalId)
        );
        staking.openRound(id, proposalId, targets, values, calldatas, keccak256("other"));
    }

    function test_openRound_twoActionsReverts() public {
        address[] memory targets = new address[](2);
        uint256[] memory values = new uint256[](2);
        bytes[] memory calldatas = new bytes[](2);
        targets[0] = address(shares);
        targets[1] = address(shares);
        calldatas[0] = _versionCall(id, V2);
        calldatas[1] = abi.encodeCall(IModelShares.setPricePerRequest, (id, 7));
        ModelGovernor governor = _governor(id);
        vm.prank(alice);
        uint256 proposalId = governor.propose(targets, values, calldatas, "bundle");
        vm.expectRevert(
            abi.encodeWithSelector(QualityStaking.QualityStakingNotAVersionProposal.selector, id, proposalId)
        );
        staking.openRound(id, proposalId, targets, values, calldatas, keccak256("bundle"));
    }

    function test_openRound_wrongActionsRevert() public {
        uint256 proposalId = _propose(creator, address(shares), _versionCall(id, V2), DESC);
        // Actions no proposal has: the governor knows no such proposal.
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) =
            _one(address(shares), _versionCall(id, "bafy-forged"));
        vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorNonexistentProposal.selector, 0));
        staking.openRound(id, proposalId, targets, values, calldatas, keccak256(bytes(DESC)));
        // Another proposal's actions under this id: refused.
        bytes memory price = abi.encodeCall(IModelShares.setPricePerRequest, (id, 7));
        _propose(alice, address(shares), price, "price");
        (targets, values, calldatas) = _one(address(shares), price);
        vm.expectRevert(
            abi.encodeWithSelector(QualityStaking.QualityStakingNotAVersionProposal.selector, id, proposalId)
        );
        staking.openRound(id, proposalId, targets, values, calldatas, keccak256("price"));
    }

    function test_openRound_twiceReverts() public {
        uint256 proposalId = _proposeVersion(V2, DESC);
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) =
            _one(address(shares), _versionCall(id, V2));
        vm.expectRevert(abi.encodeWithSelector(QualityStaking.QualityStakingRoundExists.selector, id, proposalId));
        staking.openRound(id, proposalId, targets, values, calldatas, keccak256(bytes(DESC)));
    }

    function test_openRound_afterTheVoteOpensReverts() public {
        uint256 proposalId = _propose(creator, address(shares), _versionCall(id, V2), DESC);
        _startVoting();
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) =
            _one(address(shares), _versionCall(id, V2));
        // No stake could be taken any more: a round would be empty.
        vm.expectRevert(
            abi.encodeWithSelector(
                QualityStaking.QualityStakingWrongState.selector, proposalId, IGovernor.ProposalState.Active
            )
        );
        staking.openRound(id, proposalId, targets, values, calldatas, keccak256(bytes(DESC)));
        _endVoting();
        vm.expectRevert(
            abi.encodeWithSelector(
                QualityStaking.QualityStakingWrongState.selector, proposalId, IGovernor.ProposalState.Defeated
            )
        );
        staking.openRound(id, proposalId, targets, values, calldatas, keccak256(bytes(DESC)));
    }

    function test_openRound_modelWithoutDaoReverts() public {
        uint256 other = _createModel(creator, SUPPLY, 0);
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) =
            _one(address(shares), _versionCall(other, V2));
        vm.expectRevert(abi.encodeWithSelector(QualityStaking.QualityStakingNoDao.selector, other));
        staking.openRound(other, 1, targets, values, calldatas, keccak256(bytes(DESC)));
    }

    // ----------------------------------------------------------------- stake

    function test_stake_closesWhenTheVoteOpens() public {
        uint256 proposalId = _proposeVersion(V2, DESC);
        ModelGovernor governor = _governor(id);
        // Up to the snapshot block (the proposal is pending), stakes are taken.
        vm.roll(governor.proposalSnapshot(proposalId));
        _stake(dave, proposalId, true, 1e6);
        _fund(dave, 10e6);
        vm.prank(dave);
        usd.approve(address(staking), 10e6);

        // The next block the vote opens: closed, whatever the tally says.
        vm.roll(block.number + 1);
        vm.prank(dave);
        vm.expectRevert(
            abi.encodeWithSelector(
                QualityStaking.QualityStakingWrongState.selector, proposalId, IGovernor.ProposalState.Active
            )
        );
        staking.stake(id, proposalId, true, 1e6);
        _vote(proposalId, creator, 1);
        _vote(proposalId, alice, 1); // 70% >= the super quorum: decided early
        vm.prank(dave);
        vm.expectRevert(
            abi.encodeWithSelector(
                QualityStaking.QualityStakingWrongState.selector, proposalId, IGovernor.ProposalState.Succeeded
            )
        );
        staking.stake(id, proposalId, true, 1e6);
        assertEq(staking.roundOf(id, proposalId).totalFor, 1e6);
    }

    /// @dev Review finding: stakes stayed open while the tally was public. Once cast votes decided the outcome (alice
    ///      and bob, 50% against: "for" can at best tie, and a tie is defeated), a late staker bet 100 on the known
    ///      winner risk-free and took 86.4 of the 95 prize, the early staker on the same side 8.6. Staking now
    ///      closes when voting opens: the late stake reverts and the early staker takes the whole prize.
    function test_finding_stakeAfterTheVoteIsDecidedReverts() public {
        uint256 proposalId = _proposeVersion(V2, DESC);
        _stake(dave, proposalId, true, 100e6);
        _stake(erin, proposalId, false, 10e6);
        _startVoting();
        _vote(proposalId, alice, 0);
        _vote(proposalId, bob, 0);
        _fund(frank, 100e6);
        vm.startPrank(frank);
        usd.approve(address(staking), 100e6);
        vm.expectRevert(
            abi.encodeWithSelector(
                QualityStaking.QualityStakingWrongState.selector, proposalId, IGovernor.ProposalState.Active
            )
        );
        staking.stake(id, proposalId, false, 100e6);
        vm.stopPrank();
        _vote(proposalId, creator, 1);
        _vote(proposalId, carol, 1);
        _endVoting();
        assertEq(uint8(_state(proposalId)), uint8(IGovernor.ProposalState.Defeated));
        // Losers 100e6, cut 5e6: the early "against" staker takes the whole 95e6 prize.
        assertEq(_claim(erin, proposalId), 10e6 + 95e6);
        assertEq(usd.balanceOf(frank), 100e6, "the late staker's money never moved");
        assertEq(usd.balanceOf(address(staking)), 0);
    }

    function test_stake_withoutARoundOrZeroReverts() public {
        uint256 proposalId = _propose(creator, address(shares), _versionCall(id, V2), DESC);
        vm.prank(dave);
        vm.expectRevert(abi.encodeWithSelector(QualityStaking.QualityStakingNoRound.selector, id, proposalId));
        staking.stake(id, proposalId, true, 1e6);
        _open(proposalId, _versionCall(id, V2), DESC);
        vm.prank(dave);
        vm.expectRevert(abi.encodeWithSelector(QualityStaking.QualityStakingInvalidAmount.selector, 0));
        staking.stake(id, proposalId, true, 0);
        uint256 tooMuch = uint256(type(uint128).max) + 1;
        vm.prank(dave);
        vm.expectRevert(abi.encodeWithSelector(QualityStaking.QualityStakingInvalidAmount.selector, tooMuch));
        staking.stake(id, proposalId, true, tooMuch);
    }

    function test_stake_doesNotChangeVotes() public {
        uint256 proposalId = _proposeVersion(V2, DESC);
        uint256 snapshot = _governor(id).proposalSnapshot(proposalId);
        address[4] memory holders = [creator, alice, bob, carol];
        uint256[4] memory votes;
        for (uint256 i; i < 4; ++i) {
            votes[i] = shares.getVotes(id, holders[i]);
        }
        // Holders stake on both sides before the vote opens, then the vote runs and everyone claims.
        _stake(alice, proposalId, true, 40e6);
        _stake(bob, proposalId, false, 10e6);
        _stake(carol, proposalId, true, 1e6);
        _startVoting();
        uint256[4] memory pastVotes = votes;
        for (uint256 i; i < 4; ++i) {
            assertEq(shares.getVotes(id, holders[i]), votes[i], "current votes");
            assertEq(shares.getPastVotes(id, holders[i], snapshot), pastVotes[i], "votes at the snapshot");
        }
        _vote(proposalId, creator, 1);
        _endVoting();
        _queueAndExecute(address(shares), _versionCall(id, V2), DESC);
        _claim(alice, proposalId);
        _claim(carol, proposalId);
        for (uint256 i; i < 4; ++i) {
            assertEq(shares.getVotes(id, holders[i]), votes[i], "current votes after claims");
            assertEq(shares.getPastVotes(id, holders[i], snapshot), pastVotes[i], "past votes after claims");
        }
        (, uint256 for_,) = _governor(id).proposalVotes(proposalId);
        assertEq(for_, 400_000, "the creator's shares, nothing more");
    }

    // ------------------------------------------------------------------ fuzz

    uint256 internal constant MAX_STAKERS = 8;

    /// @dev The fuzz test's expectations, in memory to keep the stack shallow.
    struct Book {
        uint256 proposalId;
        uint256 outcome; // 1 "for" wins, 2 "against" wins, 3 refund
        bool refund;
        uint256 winners;
        uint256 prize;
        uint256 prizePaid;
        uint256 winningClaimed;
        uint256 paid;
        uint256 totalFor;
        uint256 totalAgainst;
        uint256 cut;
    }

    /// @dev Random stakes on both sides, a random outcome and a random claim order: each winner gets its stake plus
    ///      floor(stake * prize / winners), the last claimer the remainder; paid + cut == staked; nothing left.
    function testFuzz_claim_paysExactlyWhatWasStaked(
        uint256[MAX_STAKERS] memory amounts,
        uint8 sides,
        uint8 nStakers,
        uint8 outcomeSeed,
        uint256 orderSeed
    ) public {
        uint256 n = bound(nStakers, 1, MAX_STAKERS);
        Book memory book;
        address[] memory stakers = _stakeAll(book, amounts, sides, n);
        book.outcome = _decide(book.proposalId, outcomeSeed % 5);
        book.winners = book.outcome == 1 ? book.totalFor : book.totalAgainst;
        uint256 losers = book.outcome == 1 ? book.totalAgainst : book.totalFor;
        book.refund = book.outcome == 3 || book.winners == 0 || losers == 0;
        book.cut = book.refund ? 0 : losers * 500 / 10_000;
        book.prize = book.refund ? 0 : losers - book.cut;

        // A random claim order (Fisher-Yates on the seed).
        for (uint256 i = n; i > 1; --i) {
            uint256 j = uint256(keccak256(abi.encode(orderSeed, i))) % i;
            (stakers[i - 1], stakers[j]) = (stakers[j], stakers[i - 1]);
        }
        for (uint256 i; i < n; ++i) {
            uint256 index = uint160(stakers[i]) - 0x5000;
            _claimAndCheck(book, stakers[i], amounts[index], (sides >> index) & 1 == 1);
        }
        assertEq(_poolTotal(), book.cut, "cut");
        assertEq(book.paid + book.cut, book.totalFor + book.totalAgainst, "paid + cut == staked");
        assertEq(usd.balanceOf(address(staking)), 0, "nothing left");
    }

    function _stakeAll(Book memory book, uint256[MAX_STAKERS] memory amounts, uint8 sides, uint256 n)
        internal
        returns (address[] memory stakers)
    {
        book.proposalId = _proposeVersion(V2, DESC);
        stakers = new address[](n);
        for (uint256 i; i < n; ++i) {
            stakers[i] = address(uint160(0x5000 + i));
            amounts[i] = bound(amounts[i], 1, 1e30);
            bool support = (sides >> i) & 1 == 1;
            _stake(stakers[i], book.proposalId, support, amounts[i]);
            if (support) book.totalFor += amounts[i];
            else book.totalAgainst += amounts[i];
        }
    }

    function _claimAndCheck(Book memory book, address staker, uint256 amount, bool support) internal {
        if (!book.refund && (book.outcome == 1) != support) {
            vm.prank(staker);
            vm.expectRevert(
                abi.encodeWithSelector(
                    QualityStaking.QualityStakingNothingToClaim.selector, id, book.proposalId, staker
                )
            );
            staking.claim(id, book.proposalId);
            return;
        }
        uint256 expected = amount;
        if (!book.refund) {
            book.winningClaimed += amount;
            uint256 share = book.winningClaimed == book.winners
                ? book.prize - book.prizePaid
                : amount * book.prize / book.winners;
            book.prizePaid += share;
            expected += share;
        }
        assertEq(_claim(staker, book.proposalId), expected, "payout");
        book.paid += expected;
    }

    /// @dev 0 executed, 1 defeated, 2 expired (queued, never executed), 3 cancelled while pending, 4 cancelled
    ///      during the vote (by the guardian). Returns 1 when "for" wins,
    ///      2 when "against" wins, 3 on a refund.
    function _decide(uint256 proposalId, uint256 kind) internal returns (uint256) {
        if (kind == 3) {
            _cancel(V2, DESC);
            return 3;
        }
        _startVoting();
        if (kind == 4) {
            _cancel(V2, DESC);
            return 2;
        }
        _vote(proposalId, kind == 1 ? bob : creator, kind == 1 ? 0 : 1);
        _endVoting();
        if (kind == 0) {
            _queueAndExecute(address(shares), _versionCall(id, V2), DESC);
            return 1;
        }
        if (kind == 2) {
            (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) =
                _one(address(shares), _versionCall(id, V2));
            ModelGovernor governor = _governor(id);
            governor.queue(targets, values, calldatas, keccak256(bytes(DESC)));
            vm.warp(governor.proposalEta(proposalId) + governor.EXECUTION_GRACE_PERIOD() + 1);
        }
        return 2;
    }
}
