// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {DaoBase} from "../governance/DaoBase.sol";
import {PaymentChannels} from "../../../contracts/payments/PaymentChannels.sol";
import {IReceiptChallenges} from "../../../contracts/interfaces/IReceiptChallenges.sol";
import {INodeSlasher} from "../../../contracts/interfaces/INodeSlasher.sol";
import {NodeRegistry} from "../../../contracts/registry/NodeRegistry.sol";
import {ReceiptChallenges} from "../../../contracts/verify/ReceiptChallenges.sol";
import {ReceiptChallengesHandler} from "./ReceiptChallengesHandler.sol";

/// A dispute lives through phases (commit, reveal, appeal, up to two validator rounds and the DAO): longer runs reach
/// resolutions, claims and appeals in most of them.
/// forge-config: default.invariant.depth = 100
/// forge-config: default.invariant.runs = 128
contract ReceiptChallengesInvariantTest is DaoBase {
    ReceiptChallenges internal rc;
    NodeRegistry internal registry;
    ReceiptChallengesHandler internal handler;

    function setUp() public override {
        super.setUp();
        PaymentChannels channels = new PaymentChannels(shares);
        rc = new ReceiptChallenges(
            shares,
            channels,
            factory,
            IReceiptChallenges.Params({
                minValidatorStake: 5e6,
                challengeBond: 2e6,
                slashAmount: 12e6,
                challengerShareBps: 3_333,
                payerShareBps: 3_333,
                quorumBps: 5_000,
                penaltyBps: 1_000,
                validatorRounds: 2,
                answerWindow: 1 hours,
                commitWindow: 1 days,
                revealWindow: 1 days,
                appealWindow: 1 days,
                daoWindow: 2 days
            })
        );
        registry = new NodeRegistry(shares, 10e6, INodeSlasher(address(rc)));
        rc.bindRegistry(address(registry));
        address timelock = _createDao(id).timelock;
        handler = new ReceiptChallengesHandler(usd, shares, channels, rc, registry, timelock, id);
        targetContract(address(handler));
    }

    /// The challenge contract holds exactly validator stakes + open bonds + credits + vote escrow, and each total is
    /// its parts.
    function invariant_challengeContractSolvent() public view {
        assertEq(
            usd.balanceOf(address(rc)),
            rc.totalValidatorStake() + rc.totalOpenBonds() + rc.totalCredits() + rc.totalVoteEscrow(),
            "rc solvency"
        );
        uint256 stakes;
        uint256 active;
        uint256 credited = rc.credits(handler.challengers(1)) + rc.credits(handler.channelPayer());
        for (uint256 i; i < handler.VALIDATOR_COUNT(); ++i) {
            IReceiptChallenges.Validator memory v = rc.validatorOf(handler.validators(i));
            stakes += v.stake;
            if (v.registeredAt != 0 && v.unbondingEnd == 0) active += uint256(v.stake) + v.locked;
            credited += rc.credits(handler.validators(i)); // the operators and challenger 0 among them
        }
        assertEq(rc.totalValidatorStake(), stakes, "validator stakes");
        assertEq(rc.activeValidatorStake(), active, "active validator stake");
        assertEq(rc.totalCredits(), credited, "credits");
        uint256 openBonds;
        uint256 openHonest;
        uint256 openCheater;
        for (uint256 i; i < handler.challengeCount(); ++i) {
            IReceiptChallenges.Challenge memory c = rc.challengeOf(handler.challengeIds(i));
            if (c.status != IReceiptChallenges.Status.Open) continue;
            openBonds += rc.bondsOf(handler.challengeIds(i));
            if (c.operator == handler.honest()) ++openHonest;
            else ++openCheater;
        }
        assertEq(rc.totalOpenBonds(), openBonds, "open bonds");
        assertEq(rc.openChallenges(id, handler.honest()), openHonest, "open count, honest");
        assertEq(rc.openChallenges(id, handler.cheater()), openCheater, "open count, cheater");
    }

    /// A validator's stake moves only by the coherence rule: registered, less what it risked on its votes, plus what
    /// its votes on the final outcome paid back; a vote against the outcome (or never revealed) is never paid.
    function invariant_validatorStakeMovesOnlyByCoherence() public view {
        for (uint256 i; i < handler.VALIDATOR_COUNT(); ++i) {
            address v = handler.validators(i);
            assertEq(rc.validatorOf(v).stake, handler.ghostStake(v), "validator stake");
        }
        assertEq(handler.ghostIncoherentPaid(), 0, "an incoherent vote was paid");
        assertEq(handler.ghostPartyVotes(), 0, "a party voted on its own dispute");
    }

    /// A cheat is upheld whenever the truthful validators (the stake majority) all revealed in the deciding round,
    /// whatever the sybils of its operator vote.
    function invariant_aProvenCheatIsSlashed() public view {
        assertEq(handler.ghostCheatsCleared(), 0);
    }

    /// The registry holds exactly the node stakes.
    function invariant_registrySolvent() public view {
        assertEq(
            usd.balanceOf(address(registry)),
            registry.stakeOf(id, handler.honest()) + registry.stakeOf(id, handler.cheater()),
            "registry solvency"
        );
    }

    /// Every unit staked or bonded is still staked, bonded or credited, was burned, or went out to its owner.
    function invariant_tokensConserved() public view {
        assertEq(
            handler.ghostIn(),
            usd.balanceOf(address(rc)) + usd.balanceOf(address(registry)) + handler.ghostBurned() + handler.ghostOut()
        );
    }

    /// What a resolution releases (slash and bond) is credited or burned, to the unit; nothing reaches the fee pool of
    /// the holders whose DAO decides disputes.
    function invariant_slashesSplitExactly() public view {
        assertEq(handler.ghostReleased(), handler.ghostCredited() + handler.ghostBurned());
        assertEq(handler.ghostToFeePool(), 0, "slash paid to the deciders");
    }

    /// The DAO never decides before the operator could answer; no filing blocks another filer's on the same receipt.
    function invariant_noEarlyDecisionNorPreemption() public view {
        assertEq(handler.ghostEarlyDecisions(), 0, "DAO decided early");
        assertEq(handler.ghostPreempted(), 0, "a filing pre-empted another");
    }

    /// No challenge resolves twice, and nothing succeeds on a resolved one.
    function invariant_noChallengeResolvesTwice() public view {
        assertEq(handler.ghostDoubleResolutions(), 0);
        for (uint256 i; i < handler.challengeCount(); ++i) {
            bytes32 cid = handler.challengeIds(i);
            bool open = rc.challengeOf(cid).status == IReceiptChallenges.Status.Open;
            assertEq(handler.resolutions(cid), open ? 0 : 1);
        }
    }

    /// An honest node (whose receipts the truthful validators, the majority of the stake, and the DAO call honest)
    /// never loses stake, and none of its challenges is upheld, whatever the minority does: sybils voting "cheat", a
    /// validator that never reveals, the cheater voting against it, challengers appealing to grief.
    function invariant_honestNodeNeverLosesStake() public view {
        assertEq(
            registry.stakeOf(id, handler.honest()) + handler.ghostHonestWithdrawn(), handler.ghostHonestDeposited()
        );
        for (uint256 i; i < handler.challengeCount(); ++i) {
            bytes32 cid = handler.challengeIds(i);
            if (handler.isCheat(cid)) continue;
            assertTrue(rc.challengeOf(cid).status != IReceiptChallenges.Status.Upheld, "honest node slashed");
        }
    }

    /// Receipts altered after signing never file; a disputed stake never leaves; a stranger changes nothing.
    function invariant_noForgeryEscapeOrStranger() public view {
        assertEq(handler.ghostForgeriesAccepted(), 0, "forgery filed");
        assertEq(handler.ghostEscapes(), 0, "disputed stake withdrawn");
        assertEq(handler.ghostStrangerSucceeded(), 0, "stranger succeeded");
    }
}
