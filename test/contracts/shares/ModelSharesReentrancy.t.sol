// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {BaseTest} from "../utils/BaseTest.sol";
import {ModelShares} from "../../../contracts/shares/ModelShares.sol";
import {ReentrantReceiver} from "../mocks/ReentrantReceiver.sol";
import {ReentrantERC20} from "../mocks/ReentrantERC20.sol";
import {Attacker} from "../mocks/Attacker.sol";

contract ModelSharesReentrancyTest is BaseTest {
    function test_receiverHook_reenteringClaimAndTransferCannotDoubleClaim() public {
        uint256 id = _createModel(creator, SUPPLY, 0);
        ReentrantReceiver receiver = new ReentrantReceiver(shares);
        _transfer(creator, address(receiver), id, SUPPLY / 2);
        _depositFees(id, 1_000e6);
        assertEq(shares.claimable(id, address(receiver)), 500e6);

        // On the next receipt: claim, ship every share to bob, claim again.
        receiver.setAttack(true, bob);
        _transfer(creator, address(receiver), id, 1);
        assertEq(receiver.claimedInHook(), 500e6);
        assertEq(usd.balanceOf(address(receiver)), 500e6);
        assertEq(shares.claimable(id, address(receiver)), 0);
        assertEq(shares.claimable(id, bob), 0, "moved shares carry no earned fees");
        assertEq(receiver.claim(id), 0);
        vm.prank(creator);
        assertEq(shares.claim(id), 500e6);
        assertEq(usd.balanceOf(address(shares)), 0);
    }

    function test_maliciousToken_reenteringClaimIsBlocked() public {
        ReentrantERC20 token = new ReentrantERC20();
        ModelShares evil = new ModelShares(IERC20(address(token)), "evil");
        Attacker attacker = new Attacker();
        vm.prank(creator);
        uint256 id = evil.createModel(CID, 100, 0, 0, 0);
        vm.prank(creator);
        evil.safeTransferFrom(creator, address(attacker), id, 50, "");
        token.mint(address(this), 1_000);
        token.approve(address(evil), 1_000);
        evil.depositFees(id, 1_000);

        attacker.setReentry(address(evil), abi.encodeCall(ModelShares.claim, (id)));
        token.arm(address(attacker), abi.encodeCall(Attacker.reenter, ()));
        attacker.exec(address(evil), abi.encodeCall(ModelShares.claim, (id)));

        assertTrue(token.reentered());
        assertFalse(token.reentrySucceeded());
        assertEq(token.reentryReturn(), abi.encodeWithSelector(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector));
        assertEq(token.balanceOf(address(attacker)), 500);
        assertEq(evil.claimable(id, address(attacker)), 0);
        assertEq(token.balanceOf(address(evil)), 500);
    }

    function test_maliciousToken_reenteringDepositIsBlocked() public {
        ReentrantERC20 token = new ReentrantERC20();
        ModelShares evil = new ModelShares(IERC20(address(token)), "evil");
        vm.prank(creator);
        uint256 id = evil.createModel(CID, 100, 0, 0, 0);
        Attacker attacker = new Attacker();
        token.mint(address(attacker), 1_000);
        attacker.exec(address(token), abi.encodeCall(IERC20.approve, (address(evil), 1_000)));
        attacker.setReentry(address(evil), abi.encodeCall(ModelShares.depositFees, (id, 1)));
        token.arm(address(attacker), abi.encodeCall(Attacker.reenter, ()));
        attacker.exec(address(evil), abi.encodeCall(ModelShares.depositFees, (id, 100)));
        assertFalse(token.reentrySucceeded());
        (uint256 total,) = evil.feePool(id);
        assertEq(total, 100);
        assertEq(token.balanceOf(address(evil)), 100);
    }
}
