// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IPaymentChannels} from "../../../contracts/interfaces/IPaymentChannels.sol";
import {IReceiptChallenges} from "../../../contracts/interfaces/IReceiptChallenges.sol";
import {ReceiptChallengesBase} from "./ReceiptChallengesBase.sol";

/// A hostile review of the stake-weighted votes (helper, this session). Every test asserts the safe property; each
/// failed on the code it reviewed (9303695) and passes with its fix.
/// Fixture: 5 honest validators x 250 (1,250), quorum 50 %, penalty 10 %, slash 40, bond 2, 2 validator rounds.
contract ReceiptChallengesFindingsTest is ReceiptChallengesBase {
    // ------------------------------------------------------------------ helpers

    function _stranger(string memory name, uint256 stake) internal returns (address a) {
        a = makeAddr(name);
        _registerAsValidator(a, stake);
    }

    /// `k` filings of the operator's other (honest) receipts, by throw-away accounts, in the current block.
    function _spam(uint256 k, uint256 salt) internal returns (bytes32[] memory ids) {
        ids = new bytes32[](k);
        for (uint256 i; i < k; ++i) {
            ids[i] = _fileFrom(makeAddr(string.concat("spammer", vm.toString(salt + i))), _voucher(100 + salt + i));
        }
    }

    /// The five honest validators commit `vote` on every spam filing first (filing order), then `target` on `cid`.
    function _honestCommitInOrder(bytes32[] memory spam, bytes32 cid, bool target) internal {
        for (uint256 v; v < 5; ++v) {
            for (uint256 i; i < spam.length; ++i) _commit(spam[i], validators[v], false);
            _commit(cid, validators[v], target);
        }
    }

    function _honestReveal(bytes32[] memory spam, bytes32 cid, bool target) internal {
        for (uint256 v; v < 5; ++v) {
            for (uint256 i; i < spam.length; ++i) _reveal(spam[i], validators[v], false);
            _reveal(cid, validators[v], target);
        }
    }

    // ------------------------------------------------------------- F1 (medium)

    /// F1a. Vote weight is the validator's CURRENT stake, which every commit on another dispute shrinks by
    /// `penaltyBps`, while quorum and majority are judged against a snapshot of FULL stakes. A hostile challenger
    /// holding 900 of 2,150 (42 %) files 4 cheap filings of the honest node's other receipts (4 bonds, which go to the
    /// honest node) in the same block, then its target. Honest validators, voting the disputes in filing order, enter
    /// the target with 250 x 0.9^4 = 164 each (820 in all) against the attacker's untouched 900. The 42 % minority
    /// wins against a 58 % majority that ALL revealed, slashes the honest node (the node must pay 2x the bond to
    /// appeal, and the attacker can spam again in the appeal block, when round 1's snapshot is taken), and
    /// pockets the honest validators' risk (82) on top of the challenger share. Its own risk (90) is below the
    /// "economic stake" the rule promises (quorum x snapshot x penalty = 107.5).
    function test_F1a_escrowShrink_minorityOutvotesRevealedMajority() public {
        address attacker = _stranger("attacker validator", 900e6);
        vm.warp(block.timestamp + 1);
        bytes32[] memory spam = _spam(4, 0);
        bytes32 cid = _file(1e6); // the attacker's challenge of an honest receipt
        assertEq(rc.roundOf(cid, 0).snapshot, 2_150e6);

        _honestCommitInOrder(spam, cid, false);
        _commit(cid, attacker, true);
        _nextPhase(cid);
        _honestReveal(spam, cid, false);
        _reveal(cid, attacker, true);
        _nextPhase(cid);
        _nextPhase(cid); // the honest node is offline / does not pay the appeal bond
        rc.resolve(cid);

        // SAFE: validators holding 1,250 of the 2,150 snapshot all revealed "honest": the node is not slashed.
        assertEq(uint8(rc.challengeOf(cid).status), uint8(IReceiptChallenges.Status.Rejected), "minority slashed");
        assertEq(registry.stakeOf(id, operator), NODE_STAKE);
    }

    /// F1b. Same root cause, used by a cheater: it front-runs the payer's filing with 7 filings of its own honest
    /// receipts (accomplice filers; the bonds come back to it as they are rejected). Every validator votes "cheat" on
    /// the real dispute, but after 7 escrows they weigh 1,250 x 0.9^7 = 598 < 625 (50 % of the snapshot): no quorum,
    /// verdict "honest", the cheat is cleared unless the challenger pays escalating bonds up to the DAO.
    /// (The invariant handler's `_truthfulAllRevealed` explicitly excludes this case and `_busy` caps disputes at 3.)
    function test_F1b_escrowShrink_unanimousValidatorsCannotReachQuorum() public {
        bytes32[] memory spam = _spam(7, 50);
        bytes32 cid = _file(1e6); // the real (cheat) dispute
        _honestCommitInOrder(spam, cid, true);
        _nextPhase(cid);
        _honestReveal(spam, cid, true);
        _nextPhase(cid);
        _nextPhase(cid);
        rc.resolve(cid);
        for (uint256 i; i < spam.length; ++i) rc.resolve(spam[i]);
        // The spam's 7 bonds came back to the cheater, but not the real filing's: it was upheld.
        assertEq(rc.credits(operator), 7 * BOND);
        // SAFE: every eligible validator revealed "cheat": the cheat is upheld.
        assertEq(uint8(rc.challengeOf(cid).status), uint8(IReceiptChallenges.Status.Upheld), "cheat cleared");
    }

    // ------------------------------------------------------- F2 (low / medium)

    /// F2. A party's own validator stake is counted in the snapshot although the party may not vote. The cheating
    /// operator registers 1,300 as a validator beforehand (no risk: it never commits). Then even all 1,250 of
    /// non-party stake revealing "cheat" is below 50 % of the 2,550 snapshot: the cheat is cleared in every
    /// validator round, forcing the challenger to post 2+4+8 of bonds to reach the DAO, and escaping if the DAO is
    /// silent. (Same for the challenger's or payer's stake.)
    function test_F2_partyStakeInSnapshotBlocksQuorum() public {
        _registerAsValidator(operator, 1_300e6);
        vm.warp(block.timestamp + 1);
        bytes32 cid = _file(1e6);
        assertEq(rc.roundOf(cid, 0).snapshot, 1_250e6, "the operator's own stake is left out of the snapshot");
        _voteAll(cid, true, 5);
        // SAFE: every validator allowed to vote revealed "cheat".
        assertEq(uint8(rc.challengeOf(cid).status), uint8(IReceiptChallenges.Status.Upheld), "cheat cleared");
    }

    // ------------------------------------------------------------------ F3 (low)

    /// F3. `_joinedStake` only counts stake passed to `registerValidator`. A validator that re-registers and, in the
    /// same block, claims an old vote to its stake adds `paid` to `activeValidatorStake` but not to `_joinedStake`:
    /// the snapshot of a round opened in that block counts stake that cannot vote there. (If it then unregisters in
    /// the same block while another validator joined, `_joinedStake -= stake + paid` leaves `paid` of phantom stake
    /// owned by nobody; with no other joiner the unregister underflows and reverts.)
    function test_F3_claimInRegistrationBlock_inflatesSnapshot() public {
        bytes32 old = _file(1e6);
        address v = validators[0];
        for (uint256 i; i < 5; ++i) _commit(old, validators[i], false);
        vm.prank(v);
        rc.unregisterValidator();
        _nextPhase(old);
        for (uint256 i; i < 5; ++i) _reveal(old, validators[i], false);
        _nextPhase(old);
        _nextPhase(old);
        rc.resolve(old); // rejected; v did not claim yet
        vm.warp(rc.validatorOf(v).unbondingEnd);
        _fund(v, VALIDATOR_STAKE);
        vm.startPrank(v);
        rc.withdrawValidatorStake(); // settles its vote first: the 25 go to its credits
        rc.registerValidator(VALIDATOR_STAKE);
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesNothingToClaim.selector, old, uint8(0), v));
        rc.settleVote(old, 0, v); // nothing left to add to the fresh stake in its registration block
        vm.stopPrank();
        assertEq(rc.credits(v), VALIDATOR_STAKE * PENALTY_BPS / 10_000);

        // Eligible now: validators 1-4, 250 each (their escrow on `old`, unsettled, still weighs). v registered in
        // this block: not eligible.
        uint256 eligible = 4 * VALIDATOR_STAKE;
        IPaymentChannels.Voucher memory vo = _voucher(2e6);
        bytes32 cid = _fileFrom(makeAddr("filer"), vo);
        vm.warp(block.timestamp + 1);
        vm.expectRevert(); // v cannot vote in the round whose snapshot counts part of its stake
        _commitAt(cid, 0, v, true);
        // SAFE: the snapshot is exactly the stake that may vote.
        assertEq(rc.roundOf(cid, 0).snapshot, eligible, "phantom stake in the snapshot");
    }

    // ------------------------------------------------------------------ F4 (low)

    /// F4a. Conflicts are checked against this filing's operator/challenger/payer only. Another filer of the SAME
    /// receipt (known to the contract through `_filedBy`) votes on this filing: if it is upheld, its own filing is
    /// upheld automatically (`slashedBefore`) and its bonds come back, so it votes with a stake in the outcome.
    function test_F4a_coFilerOfSameReceiptVotes() public {
        bytes32 cid = _file(1e6);
        address v = validators[4];
        _fileFrom(v, _voucher(1e6)); // v's own filing of the same receipt
        bytes32 commitment = keccak256(abi.encode(cid, uint8(0), v, true, _salt(v)));
        vm.prank(v);
        // SAFE: refused as conflicted.
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesConflictOfInterest.selector, cid, v));
        rc.commitVote(cid, commitment);
    }

    /// F4b. The model's DAO timelock may vote as a validator in a round and then, after an appeal, decide the same
    /// challenge at the DAO stage: its verdict pays it its own risk back plus the other side's risk.
    function test_F4b_daoTimelockVotesThenDecides() public {
        _registerAsValidator(timelock, 500e6);
        vm.warp(block.timestamp + 1);
        bytes32 cid = _file(1e6);
        bytes32 commitment = keccak256(abi.encode(cid, uint8(0), timelock, true, _salt(timelock)));
        vm.prank(timelock);
        // SAFE: the decider of last resort does not vote (or, having voted, does not decide).
        vm.expectRevert(
            abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesConflictOfInterest.selector, cid, timelock)
        );
        rc.commitVote(cid, commitment);
    }
}
