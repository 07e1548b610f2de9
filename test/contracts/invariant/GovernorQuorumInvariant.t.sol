// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {ModelGovernor} from "../../../contracts/governance/ModelGovernor.sol";
import {ModelVotes} from "../../../contracts/governance/ModelVotes.sol";
import {DaoBase} from "../governance/DaoBase.sol";
import {GovernorQuorumHandler} from "./GovernorQuorumHandler.sol";

/// @notice Invariants of the governor's escrow-adjusted quorum (a fraction of the supply less the ShareOffering
///         escrow's votes at the snapshot) and of the staking money, under the handler's honest and adversarial
///         actors: shares going in and out of the escrow, delegations to it, a proposer cancelling, the guardian and
///         the timelock acting mid-flight, late stakers and a stranger calling every open function.
/// forge-config: default.invariant.depth = 80
/// forge-config: default.invariant.runs = 96
contract GovernorQuorumInvariantTest is DaoBase {
    GovernorQuorumHandler internal handler;
    ModelGovernor internal governor;
    ModelVotes internal votesView;

    function setUp() public override {
        super.setUp();
        votesView = ModelVotes(_createDao(id).votes);
        governor = _governor(id);
        address[] memory holders = new address[](4);
        holders[0] = creator;
        holders[1] = alice;
        holders[2] = bob;
        holders[3] = carol;
        handler = new GovernorQuorumHandler(
            shares, usd, offering, staking, governor, factory.timelockOf(id), guardian, id, holders
        );
        targetContract(address(handler));
        bytes4[] memory selectors = new bytes4[](21);
        selectors[0] = GovernorQuorumHandler.offer.selector;
        selectors[1] = GovernorQuorumHandler.buy.selector;
        selectors[2] = GovernorQuorumHandler.cancelOffer.selector;
        selectors[3] = GovernorQuorumHandler.transfer.selector;
        selectors[4] = GovernorQuorumHandler.delegate.selector;
        selectors[5] = GovernorQuorumHandler.propose.selector;
        selectors[6] = GovernorQuorumHandler.stake.selector;
        selectors[7] = GovernorQuorumHandler.stakeLate.selector;
        selectors[8] = GovernorQuorumHandler.vote.selector;
        selectors[9] = GovernorQuorumHandler.queue.selector;
        selectors[10] = GovernorQuorumHandler.execute.selector;
        selectors[11] = GovernorQuorumHandler.proposerCancel.selector;
        selectors[12] = GovernorQuorumHandler.guardianCancel.selector;
        selectors[13] = GovernorQuorumHandler.adminActs.selector;
        selectors[14] = GovernorQuorumHandler.settleRound.selector;
        selectors[15] = GovernorQuorumHandler.strangerAttacks.selector;
        selectors[16] = GovernorQuorumHandler.roll.selector;
        selectors[17] = GovernorQuorumHandler.warp.selector;
        selectors[18] = GovernorQuorumHandler.roll.selector; // time moves often: votes open and close
        selectors[19] = GovernorQuorumHandler.vote.selector; // votes are frequent: proposals pass and fail
        selectors[20] = GovernorQuorumHandler.propose.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    /// @dev The shares that could vote at `t`, from the handler's own record of the escrow's votes.
    function _votingSupply(uint256 t) internal view returns (uint256) {
        return SUPPLY - handler.escrowVotesAt(t);
    }

    /// The quorum and the super quorum of every proposal whose snapshot passed are the recorded fractions of the
    /// supply less the escrow's votes at the snapshot, and agree with the votes view handed out as token().
    function invariant_quorumIsTheEscrowAdjustedFraction() public view {
        for (uint256 i; i < handler.proposalCount(); ++i) {
            uint256 snapshot = governor.proposalSnapshot(handler.proposal(i).proposalId);
            if (snapshot >= block.number) continue;
            uint256 supply = _votingSupply(snapshot);
            assertEq(shares.getPastVotes(id, address(offering), snapshot), handler.escrowVotesAt(snapshot), "escrow");
            assertEq(votesView.getPastTotalSupply(snapshot), supply, "votes view supply");
            assertEq(governor.quorumNumerator(snapshot), handler.quorumPercentAt(snapshot), "quorum numerator");
            assertEq(governor.quorum(snapshot), supply * handler.quorumPercentAt(snapshot) / 100, "quorum");
            assertEq(governor.superQuorum(snapshot), supply * 60 / 100, "super quorum");
        }
    }

    /// The votes counted on a proposal are exactly the weights cast (each its voter's votes at the snapshot), never
    /// more than the shares that could vote, and the escrow never voted.
    function invariant_votesCastAddUp() public view {
        assertFalse(handler.ghostWrongWeight(), "a vote counted other than the voter's votes at the snapshot");
        for (uint256 i; i < handler.proposalCount(); ++i) {
            uint256 proposalId = handler.proposal(i).proposalId;
            (uint256 against, uint256 for_, uint256 abstain) = governor.proposalVotes(proposalId);
            assertEq(against + for_ + abstain, handler.ghostWeightCast(proposalId), "tally == weights cast");
            assertFalse(governor.hasVoted(proposalId, address(offering)), "the escrow voted");
            uint256 snapshot = governor.proposalSnapshot(proposalId);
            if (snapshot < block.number) assertLe(against + for_ + abstain, _votingSupply(snapshot), "over supply");
        }
    }

    /// A proposal passes only with the quorum (for + abstain) reached at its snapshot and more "for" than
    /// "against"; a defeated one lacked one of them.
    function invariant_decisionsRespectTheQuorum() public view {
        for (uint256 i; i < handler.proposalCount(); ++i) {
            uint256 proposalId = handler.proposal(i).proposalId;
            IGovernor.ProposalState state = governor.state(proposalId);
            (uint256 against, uint256 for_, uint256 abstain) = governor.proposalVotes(proposalId);
            uint256 snapshot = governor.proposalSnapshot(proposalId);
            bool passing = snapshot < block.number && for_ + abstain >= governor.quorum(snapshot) && for_ > against;
            if (
                state == IGovernor.ProposalState.Succeeded || state == IGovernor.ProposalState.Queued
                    || state == IGovernor.ProposalState.Executed
            ) {
                assertTrue(passing, "passed without quorum or majority");
            } else if (state == IGovernor.ProposalState.Defeated) {
                assertFalse(passing, "defeated with quorum and majority");
            }
        }
    }

    /// Staking money adds up: everything staked is held, paid out, or in the model's fee pool (the cut); stakes are
    /// taken until a vote opens, and none after.
    function invariant_stakingMoneyAddsUp() public view {
        (uint256 poolTotal,) = shares.feePool(id);
        assertEq(handler.ghostStaked(), usd.balanceOf(address(staking)) + handler.ghostPaid() + poolTotal, "staked");
        assertFalse(handler.ghostLateStake(), "a stake after the vote opened");
        assertFalse(handler.ghostStakeRefused(), "a stake before the vote opened was refused");
    }

    /// Cancels follow the rules (the proposer while pending, the guardian until it runs but never a defeated one),
    /// and the stranger got nothing through.
    function invariant_cancelRulesAndStranger() public view {
        assertFalse(handler.ghostBadCancel(), "a cancel broke the rules");
        assertFalse(handler.ghostStrangerSucceeded(), "the stranger got through");
        assertEq(shares.balanceOf(handler.stranger(), id), 0);
    }
}
