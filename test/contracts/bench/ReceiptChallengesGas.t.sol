// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {console} from "forge-std/Test.sol";
import {IPaymentChannels} from "../../../contracts/interfaces/IPaymentChannels.sol";
import {ReceiptLib} from "../../../contracts/verify/ReceiptLib.sol";
import {ReceiptChallengesBase} from "../verify/ReceiptChallengesBase.sol";

/// @notice Gas of receipt challenges: filing, a vote that does not decide, the deciding vote (slash, credits, burn),
///         the DAO's decision, a deadline resolution, a credit withdrawal. Prints `GAS <label> <value>` (run
///         with -vv) and asserts a ceiling on each.
/// @dev Method (GasBenchmark's): pre-encoded calldata through a low-level call bracketed by `gasleft()`, right after
///      `vm.cool` on every contract and account the call touches, so it sees cold accounts and storage as the first
///      call of a transaction; state is prepared in `setUp`. Intrinsic transaction costs are excluded.
contract ReceiptChallengesGas is ReceiptChallengesBase {
    bytes32 internal open; // filed, answer window over, QUORUM - 1 cheat votes
    bytes32 internal fresh; // filed, answer window over, no votes
    bytes internal fileCall;

    function setUp() public override {
        super.setUp();
        IPaymentChannels.Voucher memory v = _voucher(3e6);
        ReceiptLib.Receipt memory r = _receipt(v);
        fileCall = abi.encodeCall(rc.challenge, (operator, r, _signReceipt(r), v, "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"));
        open = _file(1e6);
        fresh = _file(2e6);
        _afterAnswerWindow();
        _voteAll(open, true, QUORUM - 1);
        vm.roll(block.number + 1);
    }

    function _cool() internal {
        address[9] memory touched =
            [address(usd), address(shares), address(channels), address(rc), address(registry), address(factory), operator, challenger, timelock];
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

    /// Five words of challenge (the payer and what it paid, the receipt's digest for one slash per receipt), the
    /// filer's record (no pre-emption) and the filing count (ids unknown in advance): ~206k, from ~150k before them.
    function test_gas_challenge() public {
        assertLe(_measure("receipt_challenge", challenger, fileCall), 215_000);
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
