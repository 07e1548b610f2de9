// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @dev The one storage word ModelShares keeps per (id, account), written on every balance change of the account:
///
///      | bits    | field        | type                                                       |
///      |---------|--------------|------------------------------------------------------------|
///      | 0-199   | correction   | int200, two's complement: the account's fee correction     |
///      | 200-247 | lastChange   | uint48, block of the last change of its votes or correction |
///      | 248     | DELEGATES_AWAY | flag: delegates to another account                       |
///      | 249     | RECEIVES     | flag: has (or had) votes delegated to it                   |
///      | 250-255 | (unused)     | always zero                                                |
///
///      Packed by hand so a transfer reads and writes each side's word once (one SLOAD, one SSTORE).
type AccountWord is uint256;

using AccountWordLibrary for AccountWord global;

/// @title AccountWordLibrary
/// @notice Named getters and setters of an {AccountWord}. Every setter returns a new word and leaves every other
///         field untouched; nothing is written to storage here.
/// @dev Internal pure functions in the manner of Uniswap v4's `Slot0Library`. The correction must stay within the
///      int200 range (|c| < 2**199); ModelShares guarantees it by bounding every magnified quantity by
///      `MAX_CUMULATIVE_FEES * MAGNITUDE < 2**196`. The setters do not check it: bits of a value beyond its field are
///      dropped (the correction setters compute modulo 2**200).
library AccountWordLibrary {
    /// @dev Bits 0-199: the fee correction.
    uint256 internal constant CORRECTION_MASK = (1 << 200) - 1;
    /// @dev Position of the last-change block (bits 200-247).
    uint256 internal constant LAST_CHANGE_SHIFT = 200;
    /// @dev Bits 200-247: the last-change block.
    uint256 internal constant LAST_CHANGE_MASK = uint256(type(uint48).max) << LAST_CHANGE_SHIFT;
    /// @dev Flag: the account delegates its votes to another account (kept in the votes extension).
    uint256 internal constant DELEGATES_AWAY = 1 << 248;
    /// @dev Flag: the account has (or had) votes delegated to it (kept in the votes extension).
    uint256 internal constant RECEIVES = 1 << 249;

    // -------------------------------------------------------------- correction

    /// @notice The fee correction: the low 200 bits read as an int200, sign-extended.
    function correction(AccountWord self) internal pure returns (int256 c) {
        // Bits 0-199 hold the two's complement of an int200: truncate to uint200, then reinterpret.
        // forge-lint: disable-next-line(unsafe-typecast)
        c = int200(uint200(AccountWord.unwrap(self)));
    }

    /// @notice `self` with the fee correction set to `c`, which must fit int200 (only its low 200 bits are kept).
    function withCorrection(AccountWord self, int256 c) internal pure returns (AccountWord) {
        // The cast keeps the two's complement bits of `c`; the mask keeps the low 200 of them.
        // forge-lint: disable-next-line(unsafe-typecast)
        uint256 bits = uint256(c) & CORRECTION_MASK;
        return AccountWord.wrap((AccountWord.unwrap(self) & ~CORRECTION_MASK) | bits);
    }

    /// @notice `self` with `delta` added to the fee correction, modulo 2**200.
    /// @dev Exact int200 arithmetic whenever the result fits int200 (the caller's invariant).
    function withCorrectionAdded(AccountWord self, uint256 delta) internal pure returns (AccountWord) {
        uint256 w = AccountWord.unwrap(self);
        // Unchecked: the addition wraps in uint256 on purpose; the bits it carries into bit 200 and up are masked off,
        // which leaves the sum modulo 2**200, i.e. int200 addition in two's complement.
        unchecked {
            return AccountWord.wrap((w & ~CORRECTION_MASK) | ((w + delta) & CORRECTION_MASK));
        }
    }

    /// @notice `self` with `delta` subtracted from the fee correction, modulo 2**200.
    /// @dev Exact int200 arithmetic whenever the result fits int200 (the caller's invariant).
    function withCorrectionSubtracted(AccountWord self, uint256 delta) internal pure returns (AccountWord) {
        uint256 w = AccountWord.unwrap(self);
        // Unchecked: the subtraction wraps in uint256 on purpose; the borrow it takes from bit 200 and up is masked
        // off, which leaves the difference modulo 2**200, i.e. int200 subtraction in two's complement.
        unchecked {
            return AccountWord.wrap((w & ~CORRECTION_MASK) | ((w - delta) & CORRECTION_MASK));
        }
    }

    // ------------------------------------------------------------- last change

    /// @notice Block of the last change of the account's votes or correction (0: never changed).
    function lastChange(AccountWord self) internal pure returns (uint48) {
        // Bits 200-247; the cast drops the flags above them.
        // forge-lint: disable-next-line(unsafe-typecast)
        return uint48(AccountWord.unwrap(self) >> LAST_CHANGE_SHIFT);
    }

    /// @notice `self` with the last-change block set to `blockNumber`.
    function withLastChange(AccountWord self, uint48 blockNumber) internal pure returns (AccountWord) {
        return AccountWord.wrap(
            (AccountWord.unwrap(self) & ~LAST_CHANGE_MASK) | (uint256(blockNumber) << LAST_CHANGE_SHIFT)
        );
    }

    // ------------------------------------------------------------------- flags

    /// @notice Whether the account delegates its votes to another account.
    function delegatesAway(AccountWord self) internal pure returns (bool) {
        return AccountWord.unwrap(self) & DELEGATES_AWAY != 0;
    }

    /// @notice `self` with the DELEGATES_AWAY flag set to `on`.
    function withDelegatesAway(AccountWord self, bool on) internal pure returns (AccountWord) {
        uint256 bit;
        // Branchless (a constant `on` then costs no jump): `on` as 0 or 1, moved to bit 248.
        assembly ("memory-safe") {
            bit := shl(248, iszero(iszero(on)))
        }
        return AccountWord.wrap((AccountWord.unwrap(self) & ~DELEGATES_AWAY) | bit);
    }

    /// @notice Whether the account has (or had) votes delegated to it.
    function receives(AccountWord self) internal pure returns (bool) {
        return AccountWord.unwrap(self) & RECEIVES != 0;
    }

    /// @notice `self` with the RECEIVES flag set to `on`.
    function withReceives(AccountWord self, bool on) internal pure returns (AccountWord) {
        uint256 bit;
        // Branchless (a constant `on` then costs no jump): `on` as 0 or 1, moved to bit 249.
        assembly ("memory-safe") {
            bit := shl(249, iszero(iszero(on)))
        }
        return AccountWord.wrap((AccountWord.unwrap(self) & ~RECEIVES) | bit);
    }
}
