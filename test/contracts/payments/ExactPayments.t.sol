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
        receiver = ExactReceiver(exact.createReceiver(operator));
        id = _createModel(creator, SUPPLY, 2_000);
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
        return receiver.settle(id, payer, a.value, a.validAfter, a.validBefore, a.nonce, a.signature);
    }

    function test_receiverAddressIsPredictable() public {
        assertEq(address(receiver), exact.receiverOf(operator));
        assertEq(receiver.operator(), operator);
        assertEq(exact.createReceiver(operator), address(receiver), "idempotent");
        vm.expectRevert(ExactReceiver.ExactAlreadyInitialized.selector);
        receiver.initialize(rival);
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
        receiver.settle(id, payer, a.value, a.validAfter, a.validBefore, a.nonce, a.signature);
        // Replaying a front-run authorization after booking it pays nothing either.
        Auth memory b = _authorize(address(receiver), 5e6, "n2");
        usd.transferWithAuthorization(payer, address(receiver), b.value, b.validAfter, b.validBefore, b.nonce, b.signature);
        _settle(operator, b);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(ExactReceiver.ExactAlreadyBooked.selector, payer, bytes32("n2")));
        receiver.settle(id, payer, b.value, b.validAfter, b.validBefore, b.nonce, b.signature);
        assertEq(receiver.earnings(), 12e6);
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
        receiver.settle(id, payer, a.value, a.validAfter, a.validBefore, a.nonce, a.signature);
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
