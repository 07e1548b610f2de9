// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IPaymentChannels} from "../../../contracts/interfaces/IPaymentChannels.sol";
import {IReceiptChallenges} from "../../../contracts/interfaces/IReceiptChallenges.sol";
import {ReceiptLib} from "../../../contracts/verify/ReceiptLib.sol";
import {ReceiptChallengesBase} from "./ReceiptChallengesBase.sol";

/// @notice A paid answer without its receipt: the payer files its signed voucher, the operator answers only by
///         delivering the receipt bound to it, or is slashed after the answer window. Objective: no vote.
contract NonDeliveryTest is ReceiptChallengesBase {
    function setUp() public override {
        super.setUp();
        _fund(payer, 10e6);
        vm.prank(payer);
        usd.approve(address(rc), type(uint256).max);
    }

    function _signedVoucher(uint256 cumulative) internal view returns (IPaymentChannels.Voucher memory v, bytes memory sig) {
        v = _voucher(cumulative);
        sig = _sign(payerKey, channels.hashVoucher(v));
    }

    function _fileNonDelivery(uint256 cumulative) internal returns (bytes32 cid, IPaymentChannels.Voucher memory v) {
        bytes memory sig;
        (v, sig) = _signedVoucher(cumulative);
        vm.prank(payer);
        cid = rc.challengeNonDelivery(v, sig);
    }

    function test_nonDelivery_noReceiptInTime_slashesInOneTransactionAfterTheWindow() public {
        (bytes32 cid, IPaymentChannels.Voucher memory v) = _fileNonDelivery(1e6);
        IReceiptChallenges.Challenge memory c = rc.challengeOf(cid);
        assertTrue(c.nonDelivery);
        assertEq(c.payer, payer);
        assertEq(c.receipt, channels.hashVoucher(v));
        assertEq(rc.openChallenges(id, operator), 1);
        // The stake is frozen while the operator may still deliver.
        vm.prank(operator);
        registry.unregister(id);
        uint256 deadline = block.timestamp + ANSWER_WINDOW;
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesAnswerOpen.selector, cid, deadline));
        rc.resolve(cid);
        vm.warp(deadline);
        // After the window: one transaction resolves, one pays.
        vm.prank(stranger);
        rc.resolve(cid);
        assertEq(uint8(rc.challengeOf(cid).status), uint8(IReceiptChallenges.Status.Upheld));
        assertEq(registry.stakeOf(id, operator), NODE_STAKE - SLASH);
        uint256 toPayer = BOND + SLASH * CHALLENGER_BPS / 10_000 + SLASH * PAYER_BPS / 10_000;
        assertEq(rc.credits(payer), toPayer);
        assertEq(usd.balanceOf(BURN), SLASH - SLASH * CHALLENGER_BPS / 10_000 - SLASH * PAYER_BPS / 10_000);
        uint256 before = usd.balanceOf(payer);
        vm.prank(payer);
        rc.withdraw();
        assertEq(usd.balanceOf(payer) - before, toPayer);
        assertEq(usd.balanceOf(address(rc)), rc.totalValidatorStake() + rc.totalOpenBonds() + rc.totalCredits());
    }

    function test_nonDelivery_theDeliveredReceiptEndsItAndPaysTheBondToTheOperator() public {
        (bytes32 cid, IPaymentChannels.Voucher memory v) = _fileNonDelivery(1e6);
        ReceiptLib.Receipt memory r = _receipt(v);
        bytes memory sig = _signReceipt(r);
        // Anyone may relay the operator's receipt.
        vm.expectEmit(address(rc));
        emit IReceiptChallenges.ReceiptDelivered(cid, rc.receiptDigest(r), r, sig);
        vm.prank(stranger);
        rc.deliverReceipt(cid, r, sig);
        IReceiptChallenges.Challenge memory c = rc.challengeOf(cid);
        assertEq(uint8(c.status), uint8(IReceiptChallenges.Status.Rejected));
        assertEq(rc.credits(operator), BOND);
        assertEq(registry.stakeOf(id, operator), NODE_STAKE);
        assertEq(rc.openChallenges(id, operator), 0);
        // Delivered, the receipt can be disputed like any other.
        bytes32 disputed = _file(1e6);
        assertEq(rc.challengeOf(disputed).receipt, rc.receiptDigest(r));
    }

    function test_nonDelivery_onlyAReceiptOfTheOperatorForThatVoucherAndModelInTime() public {
        (bytes32 cid, IPaymentChannels.Voucher memory v) = _fileNonDelivery(1e6);
        // A receipt for another voucher.
        ReceiptLib.Receipt memory other = _receipt(_voucher(2e6));
        vm.expectRevert(
            abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesPaymentMismatch.selector, other.payment, channels.hashVoucher(v))
        );
        rc.deliverReceipt(cid, other, _signReceipt(other));
        // Signed by someone else.
        ReceiptLib.Receipt memory r = _receipt(v);
        bytes memory forged = _sign(payerKey, rc.receiptDigest(r));
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesInvalidSignature.selector, operator, payer));
        rc.deliverReceipt(cid, r, forged);
        // For another model.
        ReceiptLib.Receipt memory wrongModel = _receipt(v);
        wrongModel.modelId = id + 1;
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesModelMismatch.selector, id + 1, id));
        rc.deliverReceipt(cid, wrongModel, _signReceipt(wrongModel));
        // Too late.
        vm.warp(block.timestamp + ANSWER_WINDOW);
        bytes memory sig = _signReceipt(r);
        vm.expectRevert(
            abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesAnswerClosed.selector, cid, block.timestamp)
        );
        rc.deliverReceipt(cid, r, sig);
    }

    function test_nonDelivery_onlyThePayerWithItsSignedVoucherOncePerVoucher() public {
        (IPaymentChannels.Voucher memory v, bytes memory sig) = _signedVoucher(1e6);
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesNotPayer.selector, channelId, challenger, payer));
        vm.prank(challenger);
        rc.challengeNonDelivery(v, sig);
        bytes memory byOperator = _sign(operatorKey, channels.hashVoucher(v));
        vm.expectRevert(
            abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesInvalidVoucherSignature.selector, channelId, operator)
        );
        vm.prank(payer);
        rc.challengeNonDelivery(v, byOperator);
        vm.prank(payer);
        rc.challengeNonDelivery(v, sig);
        vm.expectRevert(
            abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesAlreadyChallenged.selector, channels.hashVoucher(v))
        );
        vm.prank(payer);
        rc.challengeNonDelivery(v, sig);
    }

    function test_nonDelivery_isObjective_noAnswerHashVoteOrDao() public {
        (bytes32 cid,) = _fileNonDelivery(1e6);
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesObjective.selector, cid));
        vm.prank(operator);
        rc.answer(cid, bytes32("replay"));
        _afterAnswerWindow();
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesObjective.selector, cid));
        vm.prank(validators[0]);
        rc.vote(cid, false);
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesObjective.selector, cid));
        vm.prank(timelock);
        rc.decide(cid, false);
        // And a receipt challenge takes no delivered receipt.
        bytes32 normal = _file(2e6);
        ReceiptLib.Receipt memory r = _receipt(_voucher(2e6));
        bytes memory sig = _signReceipt(r);
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesNotNonDelivery.selector, normal));
        rc.deliverReceipt(normal, r, sig);
    }

    function test_nonDelivery_againstAnOperatorWithoutStake_refused() public {
        uint256 other = _createModel(creator, SUPPLY, 1_000);
        IPaymentChannels.Voucher memory v = _voucher(1e6);
        v.modelId = other;
        bytes memory sig = _sign(payerKey, channels.hashVoucher(v));
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesNoStake.selector, other, operator));
        vm.prank(payer);
        rc.challengeNonDelivery(v, sig);
    }
}
