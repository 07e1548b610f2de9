// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ExactPayments, ExactReceiver} from "../../../contracts/payments/ExactPayments.sol";
import {EIP3009} from "../../../contracts/mocks/EIP3009.sol";
import {BaseTest} from "../utils/BaseTest.sol";

contract ExactPaymentsTest is BaseTest {
    ExactPayments internal exact;
    ExactReceiver internal receiver;
    uint256 internal constant PAYER_KEY = 0xA11CE;
    address internal payer = vm.addr(PAYER_KEY);
    address internal operator = makeAddr("operator");
    address internal rival = makeAddr("rival");
    uint256 internal id;

    struct Auth {
        uint256 value;
        uint256 validAfter;
        uint256 validBefore;
        bytes32 nonce;
        bytes signature;
    }

    function setUp() public override {
        super.setUp();
        exact = new ExactPayments(shares);
        id = _createModel(creator, SUPPLY, 2_000);
        receiver = ExactReceiver(exact.createReceiver(operator, id));
        _fund(payer, 100e6);
        vm.warp(1_000_000);
    }

    function _authorize(address to, uint256 value, bytes32 nonce) internal view returns (Auth memory a) {
        a = Auth({value: value, validAfter: block.timestamp - 1, validBefore: block.timestamp + 60, nonce: nonce, signature: ""});
        bytes32 structHash = keccak256(
            abi.encode(usd.TRANSFER_WITH_AUTHORIZATION_TYPEHASH(), payer, to, value, a.validAfter, a.validBefore, nonce)
        );
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", usd.DOMAIN_SEPARATOR(), structHash));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(PAYER_KEY, digest);
        a.signature = abi.encodePacked(r, s, v);
    }

    function _settle(address caller, Auth memory a) internal returns (uint256) {
        vm.prank(caller);
        return receiver.settle(payer, a.value, a.validAfter, a.validBefore, a.nonce, a.signature);
    }

    function test_receiverAddressIsPredictable() public {
        assertEq(address(receiver), exact.receiverOf(operator, id));
        assertEq(receiver.operator(), operator);
        assertEq(receiver.modelId(), id);
        assertEq(exact.createReceiver(operator, id), address(receiver), "idempotent");
        vm.expectRevert(ExactReceiver.ExactAlreadyInitialized.selector);
        receiver.initialize();
        vm.prank(address(exact));
        vm.expectRevert(ExactReceiver.ExactAlreadyInitialized.selector);
        receiver.initialize();
    }

    /// One receiver per (operator, model): each pair has its own address, and no receiver exists for an unknown model.
    function test_createReceiver_onePerOperatorAndModel() public {
        uint256 other = _createModel(creator, SUPPLY, 0);
        address forOther = exact.createReceiver(operator, other);
        assertTrue(forOther != address(receiver));
        assertEq(ExactReceiver(forOther).modelId(), other);
        assertTrue(exact.receiverOf(rival, id) != address(receiver));
        vm.expectRevert(abi.encodeWithSelector(ExactPayments.ExactUnknownModel.selector, 99));
        exact.createReceiver(operator, 99);
    }

    function test_settle_splitsAtomically() public {
        Auth memory a = _authorize(address(receiver), 10e6, "n1");
        assertEq(_settle(operator, a), 2e6);
        (uint256 pooled,) = shares.feePool(id);
        assertEq(pooled, 2e6);
        assertEq(receiver.earnings(), 8e6);
        assertEq(usd.balanceOf(payer), 90e6);
        vm.prank(operator);
        receiver.withdrawEarnings(operator);
        assertEq(usd.balanceOf(operator), 8e6);
    }

    function test_settle_replayedAuthorizationPaysNothing() public {
        Auth memory a = _authorize(address(receiver), 10e6, "n1");
        _settle(operator, a);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(ExactReceiver.ExactNotReceived.selector, payer, bytes32("n1"), 10e6, 0));
        receiver.settle(payer, a.value, a.validAfter, a.validBefore, a.nonce, a.signature);
        // Replaying a front-run authorization after booking it pays nothing either.
        Auth memory b = _authorize(address(receiver), 5e6, "n2");
        usd.transferWithAuthorization(payer, address(receiver), b.value, b.validAfter, b.validBefore, b.nonce, b.signature);
        _settle(operator, b);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(ExactReceiver.ExactAlreadyBooked.selector, payer, bytes32("n2")));
        receiver.settle(payer, b.value, b.validAfter, b.validBefore, b.nonce, b.signature);
        assertEq(receiver.earnings(), 12e6);
    }

    /// PoC (finding: exact income booked under another model). The client signs a transfer to the operator's
    /// receiver for model `id` (20% to holders); the operator tries to book it under a zero-fee model of its own.
    /// Before the fix `settle` took the model from the operator and booked all 10e6 as its earnings. Now the
    /// receiver for `id` books only under `id`, and the operator's receiver for its own model is another address:
    /// the authorization does not pay it, so the token refuses the transfer and nothing is booked there.
    function test_settle_cannotBookUnderAnotherModel() public {
        uint256 own = _createModel(operator, SUPPLY, 0);
        ExactReceiver ownReceiver = ExactReceiver(exact.createReceiver(operator, own));
        Auth memory a = _authorize(address(receiver), 10e6, "n1");
        vm.prank(operator);
        vm.expectRevert(EIP3009.EIP3009InvalidSignature.selector);
        ownReceiver.settle(payer, a.value, a.validAfter, a.validBefore, a.nonce, a.signature);
        // Front-run onto the receiver of `id`, the money cannot be claimed through the other receiver either.
        usd.transferWithAuthorization(payer, address(receiver), a.value, a.validAfter, a.validBefore, a.nonce, a.signature);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(ExactReceiver.ExactNotReceived.selector, payer, bytes32("n1"), 10e6, 0));
        ownReceiver.settle(payer, a.value, a.validAfter, a.validBefore, a.nonce, a.signature);
        // Booked where it was paid: under `id`, 20% to its holders.
        assertEq(_settle(operator, a), 2e6);
        (uint256 pooled,) = shares.feePool(id);
        (uint256 pooledOwn,) = shares.feePool(own);
        assertEq(pooled, 2e6);
        assertEq(pooledOwn, 0);
        assertEq(receiver.earnings(), 8e6);
        assertEq(ownReceiver.earnings(), 0);
    }

    function test_settle_onlyItsOperator() public {
        Auth memory a = _authorize(address(receiver), 10e6, "n1");
        vm.expectRevert(abi.encodeWithSelector(ExactReceiver.ExactNotOperator.selector, rival));
        _settle(rival, a);
    }

    /// A front-runner submits the authorization straight on the token: the money lands in the receiver anyway and
    /// the operator's settlement books it, fee included. Nobody loses it.
    function test_settle_frontRunLosesNothing() public {
        Auth memory a = _authorize(address(receiver), 10e6, "n1");
        vm.prank(rival);
        usd.transferWithAuthorization(payer, address(receiver), a.value, a.validAfter, a.validBefore, a.nonce, a.signature);
        assertEq(_settle(operator, a), 2e6);
        assertEq(receiver.earnings(), 8e6);
        (uint256 pooled,) = shares.feePool(id);
        assertEq(pooled, 2e6);
    }

    /// A payer who cancels its authorization instead of paying gets nothing booked.
    function test_settle_cancelledAuthorizationIsRefused() public {
        Auth memory a = _authorize(address(receiver), 10e6, "n1");
        bytes32 digest = keccak256(
            abi.encodePacked(
                "\x19\x01",
                usd.DOMAIN_SEPARATOR(),
                keccak256(abi.encode(usd.CANCEL_AUTHORIZATION_TYPEHASH(), payer, bytes32("n1")))
            )
        );
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(PAYER_KEY, digest);
        usd.cancelAuthorization(payer, "n1", abi.encodePacked(r, s, v));
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(ExactReceiver.ExactNotReceived.selector, payer, bytes32("n1"), 10e6, 0));
        receiver.settle(payer, a.value, a.validAfter, a.validBefore, a.nonce, a.signature);
    }

    function test_eip3009_rejectsExpiredAndForeignSignatures() public {
        Auth memory a = _authorize(address(receiver), 10e6, "n1");
        vm.warp(a.validBefore);
        vm.expectRevert(
            abi.encodeWithSelector(EIP3009.EIP3009AuthorizationNotValidNow.selector, a.validAfter, a.validBefore, a.validBefore)
        );
        usd.transferWithAuthorization(payer, address(receiver), a.value, a.validAfter, a.validBefore, a.nonce, a.signature);
        a = _authorize(address(receiver), 10e6, "n2");
        vm.expectRevert(EIP3009.EIP3009InvalidSignature.selector);
        usd.transferWithAuthorization(payer, rival, a.value, a.validAfter, a.validBefore, a.nonce, a.signature);
    }

    function testFuzz_cumulativeFeeHasNoRoundingLeak(uint8 n, uint32 unit) public {
        n = uint8(bound(n, 1, 30));
        uint256 value = bound(unit, 1, 3e6);
        _fund(payer, uint256(n) * value);
        for (uint256 i; i < n; ++i) {
            _settle(operator, _authorize(address(receiver), value, keccak256(abi.encode(i))));
        }
        (uint256 pooled,) = shares.feePool(id);
        assertEq(pooled, (uint256(n) * value * 2_000) / 10_000);
        assertEq(pooled + receiver.earnings(), uint256(n) * value);
    }
}
