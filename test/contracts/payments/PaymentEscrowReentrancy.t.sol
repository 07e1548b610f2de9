// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Test} from "forge-std/Test.sol";
import {ModelShares} from "../../../contracts/shares/ModelShares.sol";
import {PaymentEscrow} from "../../../contracts/payments/PaymentEscrow.sol";
import {IPaymentEscrow} from "../../../contracts/interfaces/IPaymentEscrow.sol";
import {ReentrantERC20} from "../mocks/ReentrantERC20.sol";
import {Attacker} from "../mocks/Attacker.sol";

/// @notice A payment token with a transfer hook re-entering the escrow cannot drain it.
contract PaymentEscrowReentrancyTest is Test {
    ReentrantERC20 internal token;
    ModelShares internal shares;
    PaymentEscrow internal escrow;
    Attacker internal attacker;
    uint256 internal id;
    bytes internal GUARD = abi.encodeWithSelector(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);

    function setUp() public {
        token = new ReentrantERC20();
        shares = new ModelShares(IERC20(address(token)), "evil");
        escrow = new PaymentEscrow(shares, 1 hours);
        vm.prank(makeAddr("creator"));
        id = shares.createModel("cid", 100, 0, 1_000, 0);
        attacker = new Attacker();
        token.mint(address(attacker), 1_000);
        attacker.exec(address(token), abi.encodeCall(IERC20.approve, (address(escrow), 1_000)));
        attacker.exec(address(escrow), abi.encodeCall(PaymentEscrow.deposit, (1_000)));
    }

    function test_withdraw_reentryBlocked() public {
        attacker.exec(address(escrow), abi.encodeCall(PaymentEscrow.requestWithdrawal, (400)));
        vm.warp(block.timestamp + 1 hours);
        attacker.setReentry(address(escrow), abi.encodeCall(PaymentEscrow.withdraw, ()));
        token.arm(address(attacker), abi.encodeCall(Attacker.reenter, ()));
        attacker.exec(address(escrow), abi.encodeCall(PaymentEscrow.withdraw, ()));
        assertTrue(token.reentered());
        assertFalse(token.reentrySucceeded());
        assertEq(token.reentryReturn(), GUARD);
        assertEq(token.balanceOf(address(attacker)), 400);
        assertEq(escrow.depositOf(address(attacker)), 600);
        assertEq(token.balanceOf(address(escrow)), 600);
    }

    function test_settle_reentryBlocked() public {
        // The attacker is payer (ERC-1271 wallet) and operator; the fee deposit's token transfer re-enters settle.
        IPaymentEscrow.Voucher memory v = IPaymentEscrow.Voucher({
            payer: address(attacker), operator: address(attacker), modelId: id, cumulativeAmount: 1_000, expiry: 0
        });
        attacker.setReentry(address(escrow), abi.encodeCall(PaymentEscrow.settle, (v, "", 500)));
        token.arm(address(attacker), abi.encodeCall(Attacker.reenter, ()));
        attacker.exec(address(escrow), abi.encodeCall(PaymentEscrow.settle, (v, "", 500)));
        assertTrue(token.reentered());
        assertFalse(token.reentrySucceeded());
        assertEq(token.reentryReturn(), GUARD);
        assertEq(escrow.settled(address(attacker), address(attacker), id), 500);
        assertEq(escrow.depositOf(address(attacker)), 500);
        assertEq(escrow.operatorBalance(address(attacker)), 450);
    }

    function test_withdrawEarnings_reentryBlocked() public {
        IPaymentEscrow.Voucher memory v = IPaymentEscrow.Voucher({
            payer: address(attacker), operator: address(attacker), modelId: id, cumulativeAmount: 1_000, expiry: 0
        });
        attacker.exec(address(escrow), abi.encodeCall(PaymentEscrow.settle, (v, "", 1_000)));
        attacker.setReentry(address(escrow), abi.encodeCall(PaymentEscrow.withdrawEarnings, ()));
        token.arm(address(attacker), abi.encodeCall(Attacker.reenter, ()));
        attacker.exec(address(escrow), abi.encodeCall(PaymentEscrow.withdrawEarnings, ()));
        assertFalse(token.reentrySucceeded());
        assertEq(token.reentryReturn(), GUARD);
        assertEq(token.balanceOf(address(attacker)), 900);
        assertEq(token.balanceOf(address(escrow)), 0);
        assertEq(token.balanceOf(address(shares)), 100);
    }
}
