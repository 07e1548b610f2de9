// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {DaoBase} from "../governance/DaoBase.sol";
import {PaymentChannels} from "../../../contracts/payments/PaymentChannels.sol";
import {IReceiptChallenges} from "../../../contracts/interfaces/IReceiptChallenges.sol";
import {INodeSlasher} from "../../../contracts/interfaces/INodeSlasher.sol";
import {NodeRegistry} from "../../../contracts/registry/NodeRegistry.sol";
import {ReceiptChallenges} from "../../../contracts/verify/ReceiptChallenges.sol";
import {ReceiptChallengesHandler} from "./ReceiptChallengesHandler.sol";

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
                quorum: 2,
                answerWindow: 1 days,
                votingWindow: 2 days
            })
        );
        registry = new NodeRegistry(shares, 10e6, INodeSlasher(address(rc)));
        rc.bindRegistry(address(registry));
        address timelock = _createDao(id).timelock;
        handler = new ReceiptChallengesHandler(usd, shares, channels, rc, registry, timelock, id);
        targetContract(address(handler));
    }

    /// The challenge contract holds exactly validator stakes + open bonds + credits, and each total is its parts.
    function invariant_challengeContractSolvent() public view {
        assertEq(usd.balanceOf(address(rc)), rc.totalValidatorStake() + rc.totalOpenBonds() + rc.totalCredits(), "rc solvency");
        uint256 stakes;
        for (uint256 i; i < 4; ++i) {
            stakes += rc.validatorOf(handler.validators(i)).stake;
        }
        assertEq(rc.totalValidatorStake(), stakes, "validator stakes");
        uint256 credited = rc.credits(handler.honest()) + rc.credits(handler.cheater()) + rc.credits(handler.challengers(0))
            + rc.credits(handler.challengers(1)) + rc.credits(handler.channelPayer());
        assertEq(rc.totalCredits(), credited, "credits");
        uint256 openHonest;
        uint256 openCheater;
        for (uint256 i; i < handler.challengeCount(); ++i) {
            IReceiptChallenges.Challenge memory c = rc.challengeOf(handler.challengeIds(i));
            if (c.status != IReceiptChallenges.Status.Open) continue;
            if (c.operator == handler.honest()) ++openHonest;
            else ++openCheater;
        }
        assertEq(rc.totalOpenBonds(), (openHonest + openCheater) * rc.challengeBond(), "open bonds");
        assertEq(rc.openChallenges(id, handler.honest()), openHonest, "open count, honest");
        assertEq(rc.openChallenges(id, handler.cheater()), openCheater, "open count, cheater");
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

    /// An honest node (whose receipts truthful validators and the DAO call honest; one rogue validator is below the
    /// quorum) never loses stake, and none of its challenges is upheld.
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
