// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {console} from "forge-std/Test.sol";
import {IPaymentChannels} from "../../../contracts/interfaces/IPaymentChannels.sol";
import {ReceiptLib} from "../../../contracts/verify/ReceiptLib.sol";
import {IReceiptChallenges} from "../../../contracts/interfaces/IReceiptChallenges.sol";
import {ReceiptChallengesBase} from "../verify/ReceiptChallengesBase.sol";

/// @notice Gas of a receipt challenge's whole life: filing, a vote's commit and reveal, the resolution that slashes,
///         a coherent voter's claim, an appeal, the DAO's decision, a credit withdrawal. Prints `GAS <label> <value>`
///         (run with -vv) and asserts a ceiling on each.
/// @dev Method (GasBenchmark's): pre-encoded calldata through a low-level call bracketed by `gasleft()`, right after
///      `vm.cool` on every contract and account the call touches, so it sees cold accounts and storage as the first
///      call of a transaction; state is prepared in `setUp` (and warped to the phase a test needs). Intrinsic
///      transaction costs are excluded.
contract ReceiptChallengesGas is ReceiptChallengesBase {
    bytes32 internal cheat; // QUORUM validators committed "cheat"
    bytes32 internal honest; // QUORUM validators committed "honest"
    bytes32 internal fresh; // no votes
    bytes internal fileCall;

    function setUp() public override {
        super.setUp();
        IPaymentChannels.Voucher memory v = _voucher(3e6);
        ReceiptLib.Receipt memory r = _receipt(v);
        fileCall = abi.encodeCall(rc.challenge, (operator, r, _signReceipt(r), v, "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"));
        cheat = _file(1e6);
        honest = _file(2e6);
        fresh = _file(4e6);
        for (uint256 i; i < QUORUM; ++i) {
            _commit(cheat, validators[i], true);
            _commit(honest, validators[i], false);
        }
        vm.roll(block.number + 1);
    }

    /// @dev Every committed vote of the fixture revealed but `skip`'s own on `cheat` (still in the reveal phase); a
    ///      caller wanting the appeal phase warps on.
    function _revealAll(address skip) internal {
        _nextPhase(cheat);
        for (uint256 i; i < QUORUM; ++i) {
            if (validators[i] != skip) _reveal(cheat, validators[i], true);
            _reveal(honest, validators[i], false);
        }
        vm.roll(block.number + 1);
    }

    /// @dev Every vote revealed, and the appeal phase reached.
    function _toAppeal() internal {
        _revealAll(address(0));
        _nextPhase(cheat);
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
    /// filer's record (no pre-emption), the filing count (ids unknown in advance) and the first round's stake
    /// snapshot less the parties' own validator stake: ~251k, from ~207k without the snapshot.
    function test_gas_challenge() public {
        assertLe(_measure("receipt_challenge", challenger, fileCall), 255_000);
    }

    /// The ballot, the escrow moved within the validator's record, its pending-vote entry (two fresh slots), and the
    /// party checks (another filer of the receipt, the model's DAO): ~137k.
    function test_gas_commitVote() public {
        bytes32 commitment = keccak256(abi.encode(fresh, uint8(0), validators[0], true, _salt(validators[0])));
        assertLe(_measure("receipt_commit_vote", validators[0], abi.encodeCall(rc.commitVote, (fresh, commitment))), 140_000);
    }

    function test_gas_revealVote() public {
        address last = validators[QUORUM - 1];
        _revealAll(last);
        bytes memory data = abi.encodeCall(rc.revealVote, (cheat, true, _salt(last)));
        assertLe(_measure("receipt_reveal_vote", last, data), 60_000);
    }

    function test_gas_resolve_slash() public {
        _toAppeal();
        _nextPhase(cheat);
        assertLe(_measure("receipt_resolve_slash", stranger, abi.encodeCall(rc.resolve, (cheat))), 260_000);
    }

    function test_gas_settleVote() public {
        _toAppeal();
        _nextPhase(cheat);
        rc.resolve(cheat);
        vm.roll(block.number + 1);
        assertLe(_measure("receipt_settle_vote", validators[0], abi.encodeCall(rc.settleVote, (cheat, 0, validators[0]))), 75_000);
    }

    function test_gas_appeal() public {
        _toAppeal();
        assertLe(_measure("receipt_appeal", challenger, abi.encodeCall(rc.appeal, (honest))), 100_000);
    }

    function test_gas_decide_dao_slash() public {
        _toAppeal();
        vm.prank(challenger);
        rc.appeal(honest);
        _voteAll0(honest);
        vm.prank(challenger);
        rc.appeal(honest);
        vm.roll(block.number + 1);
        assertLe(_measure("receipt_decide_dao_slash", timelock, abi.encodeCall(rc.decide, (honest, true))), 260_000);
    }

    function test_gas_withdraw_credits() public {
        _toAppeal();
        _nextPhase(cheat);
        rc.resolve(cheat);
        vm.roll(block.number + 1);
        assertLe(_measure("receipt_withdraw_credits", challenger, abi.encodeCall(rc.withdraw, ())), 30_000);
    }

    /// A non-delivery claim (the voucher and the node's acknowledgement; no votes) and its resolution after the window.
    function test_gas_nonDelivery_claim_and_resolve() public {
        IPaymentChannels.Voucher memory v = _voucher(9e6);
        bytes memory ack = _ack(operatorKey, v, 3e6);
        _fund(payer, BOND);
        vm.prank(payer);
        usd.approve(address(rc), BOND);
        bytes memory claim = abi.encodeCall(rc.claimNonDelivery, (operator, v, 3e6, ack));
        vm.cool(payer);
        assertLe(_measure("receipt_non_delivery_claim", payer, claim), 230_000);
        bytes32 cid = keccak256(abi.encode(channels.hashVoucher(v), payer, uint256(4)));
        assertTrue(rc.challengeOf(cid).nonDelivery);
        // The other open disputes of the fixture resolve first (a non-delivery slash waits for them).
        _toAppeal();
        _nextPhase(cheat);
        rc.resolve(cheat);
        rc.resolve(honest);
        vm.warp(block.timestamp + COMMIT_WINDOW);
        _voteAllFresh();
        vm.roll(block.number + 1);
        assertLe(_measure("receipt_non_delivery_resolve_slash", stranger, abi.encodeCall(rc.resolve, (cid))), 200_000);
    }

    /// @dev `fresh` ends with no votes (no quorum): rejected, so no receipt dispute is open any more.
    function _voteAllFresh() internal {
        (IReceiptChallenges.Phase phase,) = rc.phaseOf(fresh);
        while (phase != IReceiptChallenges.Phase.Resolvable) {
            _nextPhase(fresh);
            (phase,) = rc.phaseOf(fresh);
        }
        rc.resolve(fresh);
    }

    /// @dev All five validators vote "honest" in `cid`'s current round, which ends where its appeal window opens.
    function _voteAll0(bytes32 cid) internal {
        for (uint256 i; i < validators.length; ++i) _commit(cid, validators[i], false);
        _nextPhase(cid);
        for (uint256 i; i < validators.length; ++i) _reveal(cid, validators[i], false);
        _nextPhase(cid);
    }
}
