// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {console} from "forge-std/Test.sol";
import {IPaymentChannels} from "../../../contracts/interfaces/IPaymentChannels.sol";
import {ReceiptLib} from "../../../contracts/verify/ReceiptLib.sol";
import {ReceiptChallengesBase} from "../verify/ReceiptChallengesBase.sol";

/// @notice Gas of receipt challenges: filing, a vote that does not decide, the deciding vote (slash, credits, burn),
///         the DAO's decision, a deadline resolution, a credit withdrawal; and a non-delivery challenge's life (filing,
///         the operator's delivery, or the one resolution after the window that slashes). Prints `GAS <label> <value>`
///         (run with -vv) and asserts a ceiling on each.
/// @dev Method (GasBenchmark's): pre-encoded calldata through a low-level call bracketed by `gasleft()`, right after
///      `vm.cool` on every contract and account the call touches, so it sees cold accounts and storage as the first
///      call of a transaction; state is prepared in `setUp`. Intrinsic transaction costs are excluded.
contract ReceiptChallengesGas is ReceiptChallengesBase {
    bytes32 internal open; // filed, answer window over, QUORUM - 1 cheat votes
    bytes32 internal fresh; // filed, answer window over, no votes
    bytes internal fileCall;
    bytes32 internal withheld; // non-delivery, answer window over, no receipt delivered
    bytes32 internal pending; // non-delivery, within its answer window
    bytes internal nonDeliveryCall;
    bytes internal deliverCall;

    function setUp() public override {
        super.setUp();
        IPaymentChannels.Voucher memory v = _voucher(3e6);
        ReceiptLib.Receipt memory r = _receipt(v);
        fileCall = abi.encodeCall(rc.challenge, (operator, r, _signReceipt(r), v, "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"));
        open = _file(1e6);
        fresh = _file(2e6);
        _fund(payer, 10e6);
        vm.prank(payer);
        usd.approve(address(rc), type(uint256).max);
        withheld = _nonDelivery(4e6);
        IPaymentChannels.Voucher memory nv = _voucher(6e6);
        nonDeliveryCall = abi.encodeCall(rc.challengeNonDelivery, (nv, _sign(payerKey, channels.hashVoucher(nv))));
        _afterAnswerWindow();
        pending = _nonDelivery(5e6);
        ReceiptLib.Receipt memory delivered = _receipt(_voucher(5e6));
        deliverCall = abi.encodeCall(rc.deliverReceipt, (pending, delivered, _signReceipt(delivered)));
        _voteAll(open, true, QUORUM - 1);
        vm.roll(block.number + 1);
    }

    function _cool() internal {
        address[9] memory touched =
            [address(usd), address(shares), address(channels), address(rc), address(registry), address(factory), operator, challenger, timelock];
        vm.cool(payer);
        for (uint256 i; i < touched.length; ++i) {
            vm.cool(touched[i]);
        }
        for (uint256 i; i < validators.length; ++i) {
            vm.cool(validators[i]);
        }
    }

    function _measure(string memory label, address caller, bytes memory data) internal returns (uint256 used) {
        _cool();
        vm.prank(caller);
        uint256 start = gasleft();
        (bool ok,) = address(rc).call(data);
        used = start - gasleft();
        assertTrue(ok, label);
        console.log("GAS", label, used);
    }

    function _nonDelivery(uint256 cumulative) internal returns (bytes32 cid) {
        IPaymentChannels.Voucher memory v = _voucher(cumulative);
        bytes memory sig = _sign(payerKey, channels.hashVoucher(v));
        vm.prank(payer);
        cid = rc.challengeNonDelivery(v, sig);
    }

    /// Five words of challenge (the payer for its share, the receipt's digest for one slash per receipt), the filer's
    /// record (no pre-emption) and the filing count (ids unknown in advance): ~206k, from ~150k before them.
    function test_gas_challenge() public {
        assertLe(_measure("receipt_challenge", challenger, fileCall), 215_000);
    }

    function test_gas_nonDelivery_file() public {
        assertLe(_measure("receipt_non_delivery_file", payer, nonDeliveryCall), 180_000);
    }

    function test_gas_nonDelivery_deliver() public {
        assertLe(_measure("receipt_non_delivery_deliver", operator, deliverCall), 95_000);
    }

    /// After the window, one transaction slashes (then each party withdraws its credit).
    function test_gas_nonDelivery_resolve_slash() public {
        assertLe(_measure("receipt_non_delivery_resolve_slash", stranger, abi.encodeCall(rc.resolve, (withheld))), 165_000);
    }

    function test_gas_vote() public {
        assertLe(_measure("receipt_vote", validators[0], abi.encodeCall(rc.vote, (fresh, true))), 45_000);
    }

    function test_gas_vote_deciding_slash() public {
        assertLe(_measure("receipt_vote_deciding_slash", validators[QUORUM - 1], abi.encodeCall(rc.vote, (open, true))), 235_000);
    }

    function test_gas_decide_dao_slash() public {
        assertLe(_measure("receipt_decide_dao_slash", timelock, abi.encodeCall(rc.decide, (fresh, true))), 210_000);
    }

    function test_gas_resolve_deadline() public {
        vm.warp(block.timestamp + VOTING_WINDOW);
        assertLe(_measure("receipt_resolve_deadline", stranger, abi.encodeCall(rc.resolve, (fresh))), 80_000);
    }

    function test_gas_withdraw_credits() public {
        vm.prank(timelock);
        rc.decide(fresh, true);
        vm.roll(block.number + 1);
        assertLe(_measure("receipt_withdraw_credits", challenger, abi.encodeCall(rc.withdraw, ())), 30_000);
    }
}
