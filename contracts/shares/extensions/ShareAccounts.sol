// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC1155Supply} from "@openzeppelin/contracts/token/ERC1155/extensions/ERC1155Supply.sol";
import {IModelShares} from "../../interfaces/IModelShares.sol";
import {AccountWord} from "../libraries/AccountWord.sol";

/// @title ShareAccounts
/// @notice The storage that ModelShares' fee pool ({ModelFeePool}) and per-id votes ({ShareVotes}) share, and the
///         hook through which they learn who administers a model.
/// @dev Both extensions read and write the same two words on every transfer, so those words live here, packed so
///      that a transfer costs one SLOAD per id and one SLOAD + one SSTORE per account side:
///      - per id, {IdHead}: the fee accumulator (fee pool) next to the latest registered snapshot (votes);
///      - per (id, account), an {AccountWord}: the fee correction (fee pool) next to the block of the last change
///        and the delegation flags (votes).
///      Everything else each extension keeps in its own storage.
abstract contract ShareAccounts is IModelShares, ERC1155Supply {
    /// @dev Read by every transfer and every claim: the fee pool's magnified fee-per-share accumulator and the
    ///      latest registered snapshot of the votes extension, in one slot.
    struct IdHead {
        uint208 magnifiedPerShare; // <= MAX_CUMULATIVE_FEES * MAGNITUDE < 2**196, written by {ModelFeePool}
        uint48 lastSnapshot; // latest registered snapshot, 0 if none, written by {ShareVotes}
    }

    /// @dev The one word kept per (id, account); see {AccountWord}. Wrapped in a struct so a function can hold a
    ///      storage pointer to it (one slot computation per account and move).
    struct Account {
        AccountWord word;
    }

    /// @dev Per-element context of a balance move in `_update`, handed to both extensions' hooks.
    struct Move {
        uint256 id;
        uint256 value;
        uint256 magnifiedPerShare; // IdHead.magnifiedPerShare of `id`
        uint48 now_;
        uint48 snapshot; // latest registered snapshot at or before now_, 0 if none
    }

    mapping(uint256 id => IdHead) internal _heads;
    mapping(uint256 id => mapping(address account => Account)) internal _accounts;

    /// @dev The admin of model `id`; `address(0)` if there is no such model.
    function _adminOf(uint256 id) internal view virtual returns (address);

    /// @dev The fee pool's part of one side of a move: what to add (modulo 2**256, so possibly a negative amount in
    ///      two's complement) to the fee correction of an account that sends (`out`) or receives `m.value` of `m.id`.
    ///      Implemented by {ModelFeePool}; applied by {ShareVotes-_moveSide} with
    ///      {AccountWordLibrary-withCorrectionAdded} between the one load and the one store of the account's word.
    ///      The implementation must stay one basic block (no branch, no internal call): the optimizer then inlines
    ///      it, where a call would cost ~80 gas per side of every transfer.
    function _correctionDelta(Move memory m, bool out) internal pure virtual returns (uint256);
}
