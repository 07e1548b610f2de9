// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IPaymentChannels} from "../../../contracts/interfaces/IPaymentChannels.sol";
import {IReceiptChallenges} from "../../../contracts/interfaces/IReceiptChallenges.sol";
import {ReceiptLib} from "../../../contracts/verify/ReceiptLib.sol";
import {ReceiptChallengesBase} from "./ReceiptChallengesBase.sol";

/// @notice Non-delivery claims: a payer whose paid answer came without its receipt files the voucher and the node's
///         acknowledgement of it; the node delivers the receipt (body on chain) within the window, or is slashed.
contract NonDeliveryTest is ReceiptChallengesBase {
    uint256 internal constant COST = 3e6;
    bytes internal constant RECEIPT_BODY = hex"0102030405060708";

    function setUp() public override {
        super.setUp();
        _fund(payer, 10 * BOND);
        vm.prank(payer);
        usd.approve(address(rc), type(uint256).max);
    }

    function _claim(uint256 cumulative) internal returns (bytes32 cid, IPaymentChannels.Voucher memory v) {
        v = _voucher(cumulative);
        bytes memory ack = _ack(operatorKey, v, COST);
        vm.prank(payer);
        cid = rc.claimNonDelivery(operator, v, COST, ack);
    }

    /// The receipt the node signed for `v`, over a body whose hash it commits to.
    function _deliverable(IPaymentChannels.Voucher memory v) internal view returns (ReceiptLib.Receipt memory r, bytes memory sig) {
        r = _receipt(v);
        r.body = keccak256(RECEIPT_BODY);
        sig = _signReceipt(r);
    }

    function test_nonDelivery_undelivered_slashesAndRefundsThePayer_inOneTransactionAfterTheWindow() public {
        (bytes32 cid,) = _claim(1e6);
        IReceiptChallenges.Challenge memory c = rc.challengeOf(cid);
        assertTrue(c.nonDelivery);
        assertEq(c.paid, COST);
        assertEq(rc.openChallenges(id, operator), 1, "the stake is frozen");
        (IReceiptChallenges.Phase phase, uint256 until) = rc.phaseOf(cid);
        assertEq(uint8(phase), uint8(IReceiptChallenges.Phase.Delivery));
        assertEq(until, block.timestamp + COMMIT_WINDOW);
        vm.expectRevert(
            abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesWrongPhase.selector, cid, IReceiptChallenges.Phase.Delivery, until)
        );
        rc.resolve(cid);
        vm.warp(until);
        uint256 payerBefore = usd.balanceOf(payer);
        vm.expectEmit(address(rc));
        emit IReceiptChallenges.ChallengeResolved(
            cid, IReceiptChallenges.Status.Upheld, IReceiptChallenges.Resolver.Deadline, SLASH, BOND, 0, COST, SLASH - COST
        );
        vm.prank(stranger);
        rc.resolve(cid); // 1
        assertEq(registry.stakeOf(id, operator), NODE_STAKE - SLASH);
        assertEq(usd.balanceOf(BURN), SLASH - COST, "the slash beyond the acknowledged cost is burned");
        vm.prank(payer);
        rc.withdraw(); // 2
        assertEq(usd.balanceOf(payer) - payerBefore, BOND + COST);
    }

    function test_nonDelivery_theReceiptDeliveredWithItsBody_rejectsTheClaim() public {
        (bytes32 cid, IPaymentChannels.Voucher memory v) = _claim(1e6);
        (ReceiptLib.Receipt memory r, bytes memory sig) = _deliverable(v);
        // Not another body than the one signed, nor a receipt of another payment.
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesNotTheReceipt.selector, cid));
        rc.deliverReceipt(cid, r, sig, hex"09");
        (ReceiptLib.Receipt memory other, bytes memory otherSig) = _deliverable(_voucher(2e6));
        other.body = r.body;
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesNotTheReceipt.selector, cid));
        rc.deliverReceipt(cid, other, otherSig, RECEIPT_BODY);
        // Nor one the operator did not sign.
        bytes memory forged = _sign(payerKey, rc.receiptDigest(r));
        vm.expectRevert();
        rc.deliverReceipt(cid, r, forged, RECEIPT_BODY);
        // Anyone holding the signed receipt delivers it (a watcher of the operator's, here a stranger).
        vm.expectEmit(address(rc));
        emit IReceiptChallenges.ReceiptDelivered(cid, r, sig, RECEIPT_BODY);
        vm.prank(stranger);
        rc.deliverReceipt(cid, r, sig, RECEIPT_BODY);
        assertEq(uint8(rc.challengeOf(cid).status), uint8(IReceiptChallenges.Status.Rejected));
        assertEq(rc.credits(operator), BOND);
        assertEq(registry.stakeOf(id, operator), NODE_STAKE);
        // The payer now holds the receipt and may challenge it like any other.
        vm.prank(payer);
        bytes32 challenged = rc.challenge(operator, r, sig, v, "the delivered receipt, replayed");
        assertEq(uint8(rc.challengeOf(challenged).status), uint8(IReceiptChallenges.Status.Open));
    }

    /// Last session's critical finding: a payer slashed an offline honest node with vouchers it never sent. A claim
    /// now needs the node's own acknowledgement of the voucher, and only the channel's payer files it.
    function test_nonDelivery_aVoucherTheNodeNeverAcknowledgedCannotBeClaimed() public {
        IPaymentChannels.Voucher memory v = _voucher(1e6);
        bytes memory selfMade = _ack(payerKey, v, COST);
        vm.expectRevert(
            abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesInvalidSignature.selector, operator, vm.addr(payerKey))
        );
        vm.prank(payer);
        rc.claimNonDelivery(operator, v, COST, selfMade);
        // An acknowledgement of a smaller cost does not stretch to a larger one.
        bytes memory small = _ack(operatorKey, v, 1);
        vm.expectRevert();
        vm.prank(payer);
        rc.claimNonDelivery(operator, v, COST, small);
        bytes memory ack = _ack(operatorKey, v, COST);
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesNotPayer.selector, channelId, challenger, payer));
        vm.prank(challenger);
        rc.claimNonDelivery(operator, v, COST, ack);
        vm.prank(payer);
        rc.claimNonDelivery(operator, v, COST, ack);
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesAlreadyChallenged.selector, channels.hashVoucher(v)));
        vm.prank(payer);
        rc.claimNonDelivery(operator, v, COST, ack);
    }

    /// Last session's high finding: a cheat drained its frozen stake through claims of its own before the real slash.
    /// A non-delivery claim is slashed only once no receipt dispute against the operator is open.
    function test_nonDelivery_aCheatCannotDrainItsStakeBeforeItsSlash() public {
        bytes32 real = _file(5e6); // the real challenge of a cheating receipt
        // The operator pays itself through its own channel and claims non-delivery of its own acknowledged voucher.
        bytes32 own = _openChannel(operator, operator);
        IPaymentChannels.Voucher memory v =
            IPaymentChannels.Voucher({channelId: own, modelId: id, cumulativeAmount: 1e6, feeShareBps: 3_000});
        bytes memory ack = _ack(operatorKey, v, 10e6);
        _fund(operator, BOND);
        vm.startPrank(operator);
        usd.approve(address(rc), BOND);
        bytes32 drain = rc.claimNonDelivery(operator, v, 10e6, ack);
        vm.stopPrank();
        for (uint256 i; i < QUORUM; ++i) _commit(real, validators[i], true);
        _nextPhase(drain);
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesAwaitingDisputes.selector, drain, 1));
        rc.resolve(drain);
        // The validators uphold the real challenge first: its challenger and payer are paid from the full slash.
        for (uint256 i; i < QUORUM; ++i) _reveal(real, validators[i], true);
        _nextPhase(real);
        _nextPhase(real);
        rc.resolve(real);
        assertEq(rc.credits(challenger), BOND + SLASH * CHALLENGER_BPS / 10_000);
        rc.resolve(drain);
        assertEq(registry.stakeOf(id, operator), NODE_STAKE - 2 * SLASH);
        assertEq(rc.credits(operator), BOND + 10e6, "its own refund is capped at what it acknowledged");
    }

    function test_nonDelivery_noVotesNoAppealsNoDao() public {
        (bytes32 cid,) = _claim(1e6);
        (, uint256 until) = rc.phaseOf(cid);
        bytes memory wrong = abi.encodeWithSelector(
            IReceiptChallenges.ReceiptChallengesWrongPhase.selector, cid, IReceiptChallenges.Phase.Delivery, until
        );
        vm.expectRevert(wrong);
        _commitAt(cid, ROUNDS, validators[0], true);
        vm.expectRevert(wrong);
        vm.prank(operator);
        rc.appeal(cid);
        vm.warp(block.timestamp + ANSWER_WINDOW);
        vm.expectRevert(wrong);
        vm.prank(timelock);
        rc.decide(cid, false);
    }
}
