// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {AccountWord, AccountWordLibrary} from "../../../contracts/shares/libraries/AccountWord.sol";

contract AccountWordTest is Test {
    int256 internal constant INT200_MAX = type(int200).max;
    int256 internal constant INT200_MIN = type(int200).min;
    uint48 internal constant UINT48_MAX = type(uint48).max;

    /// @dev Every field set to a non-zero, non-trivial value.
    function _full() internal pure returns (AccountWord) {
        return AccountWord.wrap(0).withCorrection(-123_456_789).withLastChange(987_654).withDelegatesAway(true).withReceives(
            true
        );
    }

    function _raw(AccountWord w) internal pure returns (uint256) {
        return AccountWord.unwrap(w);
    }

    /// @dev Asserts that every field of `w` other than the one named `except` equals that of `ref`.
    function _assertOthersEqual(AccountWord w, AccountWord ref, bytes32 except) internal pure {
        if (except != "correction") assertEq(w.correction(), ref.correction(), "correction disturbed");
        if (except != "lastChange") assertEq(w.lastChange(), ref.lastChange(), "lastChange disturbed");
        if (except != "delegatesAway") assertEq(w.delegatesAway(), ref.delegatesAway(), "delegatesAway disturbed");
        if (except != "receives") assertEq(w.receives(), ref.receives(), "receives disturbed");
        // Bits 250-255 are unused and stay zero.
        assertEq(_raw(w) >> 250, 0, "unused bits set");
    }

    // ------------------------------------------------------------------ layout

    function test_zero_readsAllFieldsEmpty() public pure {
        AccountWord w = AccountWord.wrap(0);
        assertEq(w.correction(), 0);
        assertEq(w.lastChange(), 0);
        assertFalse(w.delegatesAway());
        assertFalse(w.receives());
    }

    function test_layout_matchesDocumentedBits() public pure {
        AccountWord zero = AccountWord.wrap(0);
        assertEq(_raw(zero.withCorrection(1)), 1);
        assertEq(_raw(zero.withCorrection(-1)), (uint256(1) << 200) - 1, "int200 two's complement in bits 0-199");
        assertEq(_raw(zero.withLastChange(1)), uint256(1) << 200);
        assertEq(_raw(zero.withLastChange(UINT48_MAX)), uint256(type(uint48).max) << 200);
        assertEq(_raw(zero.withDelegatesAway(true)), uint256(1) << 248);
        assertEq(_raw(zero.withReceives(true)), uint256(1) << 249);
        assertEq(AccountWordLibrary.CORRECTION_MASK, (uint256(1) << 200) - 1);
        assertEq(AccountWordLibrary.LAST_CHANGE_MASK & AccountWordLibrary.CORRECTION_MASK, 0);
        assertEq(AccountWordLibrary.LAST_CHANGE_MASK & (AccountWordLibrary.DELEGATES_AWAY | AccountWordLibrary.RECEIVES), 0);
    }

    // -------------------------------------------------------------- correction

    function test_withCorrection_roundTripsBounds() public pure {
        int256[7] memory values = [INT200_MIN, INT200_MIN + 1, int256(-1), 0, 1, INT200_MAX - 1, INT200_MAX];
        for (uint256 i; i < values.length; ++i) {
            AccountWord w = _full().withCorrection(values[i]);
            assertEq(w.correction(), values[i]);
            _assertOthersEqual(w, _full(), "correction");
        }
    }

    function test_withCorrection_negativeKeepsOtherFields() public pure {
        AccountWord w = _full().withCorrection(-(int256(1) << 196));
        assertEq(w.correction(), -(int256(1) << 196));
        _assertOthersEqual(w, _full(), "correction");
        // A negative correction sets every high bit of its field, and not one bit above it.
        assertEq(_raw(w) & AccountWordLibrary.CORRECTION_MASK, (uint256(1) << 200) - (uint256(1) << 196));
    }

    function test_withCorrection_keepsOnlyTheLow200Bits() public pure {
        // Out of the int200 range (the caller's precondition): the value wraps modulo 2**200, other fields intact.
        AccountWord w = _full().withCorrection(INT200_MAX + 1);
        assertEq(w.correction(), INT200_MIN);
        _assertOthersEqual(w, _full(), "correction");
        w = _full().withCorrection(type(int256).min);
        assertEq(w.correction(), 0);
        _assertOthersEqual(w, _full(), "correction");
    }

    function test_withCorrectionAdded_crossesZero() public pure {
        AccountWord w = _full().withCorrection(-5).withCorrectionAdded(3);
        assertEq(w.correction(), -2);
        w = w.withCorrectionAdded(7);
        assertEq(w.correction(), 5);
        _assertOthersEqual(w, _full(), "correction");
    }

    function test_withCorrectionSubtracted_crossesZero() public pure {
        AccountWord w = _full().withCorrection(5).withCorrectionSubtracted(7);
        assertEq(w.correction(), -2);
        _assertOthersEqual(w, _full(), "correction");
    }

    function test_withCorrectionAdded_reachesTheBounds() public pure {
        AccountWord w = _full().withCorrection(INT200_MIN).withCorrectionAdded(uint256(INT200_MAX) * 2 + 1);
        assertEq(w.correction(), INT200_MAX);
        w = w.withCorrectionSubtracted(uint256(INT200_MAX) * 2 + 1);
        assertEq(w.correction(), INT200_MIN);
        _assertOthersEqual(w, _full(), "correction");
    }

    function test_withCorrectionSubtracted_wrapsBelowTheMinimum() public pure {
        // Leaving the int200 range is the caller's bug; it wraps without touching the other fields.
        AccountWord w = _full().withCorrection(INT200_MIN).withCorrectionSubtracted(1);
        assertEq(w.correction(), INT200_MAX);
        _assertOthersEqual(w, _full(), "correction");
    }

    // ------------------------------------------------------------- last change

    function test_withLastChange_roundTripsBounds() public pure {
        AccountWord w = _full().withLastChange(UINT48_MAX);
        assertEq(w.lastChange(), UINT48_MAX);
        _assertOthersEqual(w, _full(), "lastChange");
        w = w.withLastChange(0);
        assertEq(w.lastChange(), 0);
        _assertOthersEqual(w, _full(), "lastChange");
    }

    // ------------------------------------------------------------------- flags

    function test_withDelegatesAway_setsAndClearsOnlyItsBit() public pure {
        AccountWord w = _full().withDelegatesAway(false);
        assertFalse(w.delegatesAway());
        _assertOthersEqual(w, _full(), "delegatesAway");
        w = w.withDelegatesAway(true);
        assertTrue(w.delegatesAway());
        assertEq(_raw(w), _raw(_full()));
        // Setting a set flag again changes nothing.
        assertEq(_raw(w.withDelegatesAway(true)), _raw(w));
    }

    function test_withReceives_setsAndClearsOnlyItsBit() public pure {
        AccountWord w = _full().withReceives(false);
        assertFalse(w.receives());
        _assertOthersEqual(w, _full(), "receives");
        w = w.withReceives(true);
        assertTrue(w.receives());
        assertEq(_raw(w), _raw(_full()));
        assertEq(_raw(w.withReceives(true)), _raw(w));
    }

    function test_flags_surviveNegativeCorrectionArithmetic() public pure {
        // A subtraction that borrows through all 200 bits must not reach the flags or the block above them.
        AccountWord w = AccountWord.wrap(0).withLastChange(UINT48_MAX).withDelegatesAway(true).withCorrectionSubtracted(1);
        assertEq(w.correction(), -1);
        assertEq(w.lastChange(), UINT48_MAX);
        assertTrue(w.delegatesAway());
        assertFalse(w.receives());
        w = w.withCorrectionAdded(1);
        assertEq(w.correction(), 0);
        assertEq(w.lastChange(), UINT48_MAX);
        assertTrue(w.delegatesAway());
    }

    // -------------------------------------------------------------------- fuzz

    /// @dev Any values written in any order read back exactly, starting from any word with the unused bits clear.
    function testFuzz_fields_roundTripIndependently(
        uint256 start,
        int200 c,
        uint48 last,
        bool away,
        bool rec,
        uint8 order
    ) public pure {
        AccountWord w = AccountWord.wrap(start & ((uint256(1) << 250) - 1));
        for (uint256 k; k < 4; ++k) {
            uint256 field = (uint256(order) + k) % 4;
            if (field == 0) w = w.withCorrection(c);
            else if (field == 1) w = w.withLastChange(last);
            else if (field == 2) w = w.withDelegatesAway(away);
            else w = w.withReceives(rec);
        }
        assertEq(w.correction(), c);
        assertEq(w.lastChange(), last);
        assertEq(w.delegatesAway(), away);
        assertEq(w.receives(), rec);
        assertEq(_raw(w) >> 250, 0);
    }

    /// @dev Adding or subtracting a delta is int200 arithmetic whenever the result is in range, and never touches
    ///      the other fields.
    function testFuzz_correctionArithmetic_matchesInt256(int200 c, uint256 delta, bool add, uint48 last, bool away)
        public
        pure
    {
        AccountWord w = AccountWord.wrap(0).withCorrection(c).withLastChange(last).withDelegatesAway(away).withReceives(
            !away
        );
        // Keep the result within int200.
        int256 expected;
        if (add) {
            delta = bound(delta, 0, uint256(INT200_MAX - c));
            expected = int256(c) + int256(delta);
            w = w.withCorrectionAdded(delta);
        } else {
            delta = bound(delta, 0, uint256(int256(c) - INT200_MIN));
            expected = int256(c) - int256(delta);
            w = w.withCorrectionSubtracted(delta);
        }
        assertEq(w.correction(), expected);
        assertEq(w.lastChange(), last);
        assertEq(w.delegatesAway(), away);
        assertEq(w.receives(), !away);
    }
}
