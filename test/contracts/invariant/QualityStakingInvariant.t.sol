// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {QualityStaking} from "../../../contracts/governance/QualityStaking.sol";
import {DaoBase} from "../governance/DaoBase.sol";
import {QualityStakingHandler} from "./QualityStakingHandler.sol";

/// @notice Invariants of QualityStaking under the handler's honest and adversarial actors. A round needs a proposal,
///         a vote and a decision before anything is paid, so runs are deeper than the default.
/// forge-config: default.invariant.depth = 100
/// forge-config: default.invariant.runs = 128
contract QualityStakingInvariantTest is DaoBase {
    QualityStakingHandler internal handler;
    uint256[4] internal initialVotes;

    function setUp() public override {
        super.setUp();
        _createDao(id);
        address[] memory holders = new address[](4);
        holders[0] = creator;
        holders[1] = alice;
        holders[2] = bob;
        holders[3] = carol;
        for (uint256 i; i < 4; ++i) {
            initialVotes[i] = shares.getVotes(id, holders[i]);
        }
        handler = new QualityStakingHandler(
            shares, usd, staking, _governor(id), factory.timelockOf(id), guardian, id, holders
        );
        targetContract(address(handler));
        bytes4[] memory selectors = new bytes4[](18);
        selectors[0] = QualityStakingHandler.proposeVersion.selector;
        selectors[1] = QualityStakingHandler.proposeOther.selector;
        selectors[2] = QualityStakingHandler.openRound.selector;
        selectors[3] = QualityStakingHandler.stake.selector;
        selectors[4] = QualityStakingHandler.vote.selector;
        selectors[5] = QualityStakingHandler.queue.selector;
        selectors[6] = QualityStakingHandler.execute.selector;
        selectors[7] = QualityStakingHandler.cancel.selector;
        selectors[8] = QualityStakingHandler.resolve.selector;
        selectors[9] = QualityStakingHandler.claim.selector;
        selectors[10] = QualityStakingHandler.setCut.selector;
        selectors[11] = QualityStakingHandler.strangerAttacks.selector;
        selectors[12] = QualityStakingHandler.roll.selector;
        selectors[13] = QualityStakingHandler.warp.selector;
        selectors[14] = QualityStakingHandler.endVote.selector;
        selectors[15] = QualityStakingHandler.executeLate.selector;
        selectors[16] = QualityStakingHandler.stakeLate.selector;
        selectors[17] = QualityStakingHandler.proposerCancel.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    /// @dev What a round still holds: its stakes, less the cut paid to the fee pool and what its stakers claimed.
    function _remaining(uint256 proposalId) internal view returns (uint256) {
        return handler.ghostStaked(proposalId) - handler.ghostCut(proposalId) - handler.ghostPaid(proposalId);
    }

    /// Everything staked is in the contract, paid out, or in the model's fee pool (the cut): not a unit more or less.
    function invariant_conservation() public view {
        (uint256 poolTotal,) = shares.feePool(id);
        assertEq(handler.ghostCutTotal(), poolTotal, "cuts == fee pool deposits");
        assertEq(
            handler.ghostStakedTotal(),
            usd.balanceOf(address(staking)) + handler.ghostPaidTotal() + poolTotal,
            "staked == held + paid + cut"
        );
    }

    /// The balance is exactly the stakes of undecided rounds plus what decided rounds still owe; what a decided
    /// round owes its unclaimed winners falls short of what it holds by floor dust only (< one unit per winner), and
    /// not at all once at most one winner is left (the last claimer takes the remainder).
    function invariant_roundsSolvent() public view {
        uint256 held;
        for (uint256 i; i < handler.proposalCount(); ++i) {
            uint256 proposalId = handler.proposal(i).proposalId;
            QualityStaking.Round memory round = staking.roundOf(id, proposalId);
            if (round.expiresAt == 0) {
                assertEq(handler.ghostStaked(proposalId), 0, "stakes without a round");
                continue;
            }
            assertEq(uint256(round.totalFor) + round.totalAgainst, handler.ghostStaked(proposalId), "round totals");
            uint256 remaining = _remaining(proposalId);
            held += remaining;
            if (round.outcome == QualityStaking.Outcome.Unresolved) {
                assertEq(handler.ghostPaid(proposalId) + handler.ghostCut(proposalId), 0, "paid before the decision");
                continue;
            }
            address[] memory stakers = handler.stakersOf(proposalId);
            uint256 owed;
            uint256 winnersLeft;
            for (uint256 j; j < stakers.length; ++j) {
                uint256 amount = staking.claimable(id, proposalId, stakers[j]);
                owed += amount;
                if (amount != 0) ++winnersLeft;
            }
            assertLe(owed, remaining, "owes more than it holds");
            if (winnersLeft <= 1 || round.outcome == QualityStaking.Outcome.Refunded) {
                assertEq(owed, remaining, "exact when one winner is left, and on refunds");
            } else {
                assertLt(remaining - owed, stakers.length, "dust below one unit per staker");
            }
        }
        assertEq(usd.balanceOf(address(staking)), held, "balance == sum of what rounds hold");
    }

    /// Nobody is paid twice in a round, every payment is what `claimable` promised, every cut is the round's.
    function invariant_paymentsExact() public view {
        assertFalse(handler.ghostPaidTwice(), "paid twice");
        assertFalse(handler.ghostWrongPayout(), "wrong payout");
        assertFalse(handler.ghostWrongCut(), "wrong cut");
    }

    /// Staking and claiming never move voting power: shares never move here, so every holder's votes, current and at
    /// every passed proposal snapshot, are what they were at the start.
    function invariant_votesUntouched() public view {
        assertFalse(handler.ghostVotesMoved(), "a stake or claim moved votes");
        for (uint256 h; h < 4; ++h) {
            address holder = handler.actors(h);
            assertEq(shares.getVotes(id, holder), initialVotes[h], "current votes");
            for (uint256 i; i < handler.proposalCount(); ++i) {
                uint256 snapshot = _governor(id).proposalSnapshot(handler.proposal(i).proposalId);
                if (snapshot >= block.number) continue;
                assertEq(shares.getPastVotes(id, holder, snapshot), initialVotes[h], "votes at a snapshot");
            }
        }
    }

    /// A passed version is executed in time or not at all, and every round's outcome is the governor's decision.
    function invariant_outcomeFollowsTheGovernor() public view {
        assertFalse(handler.ghostLateExecution(), "executed after the grace period");
        assertFalse(handler.ghostOutcomeMismatch(), "outcome differs from the governor's state");
    }

    /// Nobody voids a bet: the proposer cancels only while pending, the guardian anything but a defeated proposal.
    function invariant_cancelOnlyBeforeTheVoteOrByTheGuardian() public view {
        assertFalse(handler.ghostBadCancel(), "a cancel outside the rules succeeded, or one inside them failed");
    }

    /// No stake is taken once a proposal's vote has opened: nobody bets against a public tally.
    function invariant_noStakeAfterTheVoteOpens() public view {
        assertFalse(handler.ghostLateStake(), "a stake was taken after the vote opened");
    }

    /// The stranger never got anything through.
    function invariant_strangerGetsNothing() public view {
        assertFalse(handler.ghostStrangerSucceeded());
        assertEq(usd.balanceOf(handler.stranger()), 0);
    }

    /// Once every vote ended, every window expired and every staker claimed, the contract holds nothing and paid
    /// out plus the cuts equals everything staked.
    function afterInvariant() public {
        handler.settleAll();
        for (uint256 i; i < handler.proposalCount(); ++i) {
            uint256 proposalId = handler.proposal(i).proposalId;
            QualityStaking.Round memory round = staking.roundOf(id, proposalId);
            if (round.expiresAt == 0) continue;
            assertTrue(round.outcome != QualityStaking.Outcome.Unresolved, "every round decided");
            assertEq(_remaining(proposalId), 0, "round fully paid out");
        }
        assertEq(usd.balanceOf(address(staking)), 0, "nothing left");
        (uint256 poolTotal,) = shares.feePool(id);
        assertEq(handler.ghostPaidTotal() + poolTotal, handler.ghostStakedTotal(), "paid + cut == staked");
        assertFalse(handler.ghostPaidTwice());
        assertFalse(handler.ghostWrongPayout());
    }
}
