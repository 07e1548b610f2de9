// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {Time} from "@openzeppelin/contracts/utils/types/Time.sol";
import {IERC6372} from "@openzeppelin/contracts/interfaces/IERC6372.sol";
import {IModelShares} from "../../interfaces/IModelShares.sol";
import {AccountWord} from "../libraries/AccountWord.sol";
import {ShareAccounts} from "./ShareAccounts.sol";

/// @title ShareVotes
/// @notice Per-id votes of ModelShares: implicit self-delegation, delegation, and lazy history kept only at
///         registered snapshots. (Not to be confused with `contracts/governance/ModelVotes.sol`, the IVotes view a
///         model's governor reads these votes through.)
/// @dev Votes are implicit where possible: an account that did not delegate away votes with its balance, plus (only
///      if it ever received a delegation) the balances delegated to it, kept in `_received`. History is written
///      lazily: each (id, account) stamps the block of its last change in its {AccountWord} (next to its fee
///      correction), and a change archives the previous value into `_history` only if a registered snapshot of the
///      id lies in `[lastChange, now)`. Every registered snapshot can therefore be answered exactly; other
///      timepoints cannot.
///
///      Owns delegation, received votes, history, the snapshot registry and the snapshotter; shares the last-change
///      block, the delegation flags and the latest snapshot through {ShareAccounts}. Its views are external here;
///      its state-changing entry points are internal ({_delegate}, {_registerSnapshot}, {_setSnapshotter}) and
///      declared externally by the composing contract, which also calls {_moveSide} from its `_update` and
///      implements {_adminOf} and {_createdAt}.
abstract contract ShareVotes is ShareAccounts {
    using Checkpoints for Checkpoints.Trace208;

    mapping(uint256 id => mapping(address account => address)) private _delegatee;
    mapping(uint256 id => mapping(address delegatee => uint256)) private _received;
    mapping(uint256 id => mapping(address account => Checkpoints.Trace208)) private _history;
    mapping(uint256 id => mapping(uint256 timepoint => bool)) private _snapshots;
    /// @dev Registered snapshots of each id in ascending order (future ones included).
    mapping(uint256 id => uint48[]) private _snapshotList;
    mapping(uint256 id => address) private _snapshotter;
    /// @dev Per id, where the due snapshots end in `_snapshotList`, as last seen (see {_advanceDue}).
    mapping(uint256 id => DueSnapshots) private _due;

    /// @dev The due marker of an id, one slot: every entry of `_snapshotList` below `count` was at or before the clock
    ///      when the marker was written (so it still is); `latest` is the last of them (0 if none) and `next` the
    ///      entry at `count`, the first that was still pending (0 if none).
    struct DueSnapshots {
        uint48 latest;
        uint48 next;
        uint160 count;
    }

    /// @inheritdoc IModelShares
    function snapshotterOf(uint256 id) external view returns (address) {
        return _snapshotter[id];
    }

    /// @inheritdoc IERC6372
    function clock() public view returns (uint48) {
        return Time.blockNumber();
    }

    /// @inheritdoc IERC6372
    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() external pure returns (string memory) {
        return "mode=blocknumber&from=default";
    }

    /// @dev {IModelShares-setSnapshotter}, without the admin check (the caller's).
    function _setSnapshotter(uint256 id, address snapshotter) internal {
        _snapshotter[id] = snapshotter;
        emit SnapshotterChanged(id, snapshotter);
    }

    /// @dev {IModelShares-registerSnapshot}: registers `timepoint` for `id` if `msg.sender` is its admin or
    ///      snapshotter.
    function _registerSnapshot(uint256 id, uint48 timepoint) internal {
        address admin = _adminOf(id);
        if (admin == address(0)) revert ModelSharesUnknownModel(id);
        // Restricted: each snapshot makes the next change of every account archive its votes (~3x transfer gas).
        if (msg.sender != admin && msg.sender != _snapshotter[id]) revert ModelSharesUnauthorizedSnapshot(id, msg.sender);
        uint48 now_ = clock();
        if (timepoint < now_) revert ModelSharesPastSnapshot(timepoint, now_);
        if (_snapshots[id][timepoint]) return;
        _snapshots[id][timepoint] = true;
        uint48[] storage list = _snapshotList[id];
        IdHead storage head = _heads[id];
        uint48 last = head.lastSnapshot;
        if (timepoint > last) {
            head.lastSnapshot = timepoint;
            list.push(timepoint);
        } else {
            // Earlier than a pending future snapshot (the voting delay was shortened): insert in order. Only the
            // pending snapshots (those >= now) move, so the shift is bounded by the open proposals.
            uint256 i = list.length;
            list.push(last);
            while (i > 0 && list[i - 1] > timepoint) {
                list[i] = list[i - 1];
                --i;
            }
            list[i] = timepoint;
        }
        // While a snapshot is pending, the registrant (not the transfers) brings the due marker up to date. Entries it
        // counts as due are at or before an earlier clock <= now <= timepoint (and differ from it), so the insertion
        // above never moved them. With none pending, lookups do not read the marker.
        if (timepoint > now_ || last > now_) _advanceDue(id, list, _due[id].count, now_);
        emit SnapshotRegistered(id, timepoint);
    }

    /// @dev The latest registered snapshot of `id` at or before block `now_` (0 if none). Reads nothing more while
    ///      no snapshot is pending: it is `lastSnapshot`, already loaded with the accumulator (`IdHead`). With pending
    ///      snapshots the cost no longer grows with their number: the due marker answers while its `next` entry is
    ///      still pending (one more slot read: the steady state, since every registration refreshes it); otherwise
    ///      {_advanceDue} searches only the entries that fell due since. Before, the list was walked back from its
    ///      end, one read (~1,000 gas) per pending snapshot: a proposal every block made each transfer walk as many
    ///      entries as the voting delay.
    function _snapshotAtOrBefore(uint256 id, uint48 lastSnapshot, uint48 now_) internal returns (uint48) {
        if (lastSnapshot <= now_) return lastSnapshot;
        DueSnapshots memory due = _due[id];
        if (due.next > now_) return due.latest;
        return _advanceDue(id, _snapshotList[id], due.count, now_);
    }

    /// @dev Moves the due marker of `id` to `now_`, knowing the first `low` entries of `list` are due, and returns the
    ///      latest due entry (0 if none). The entries are ascending: a galloping search (1, 2, 4, ... entries on)
    ///      brackets the first pending one, a binary search finds it, so k newly due entries cost O(log k) reads.
    function _advanceDue(uint256 id, uint48[] storage list, uint256 low, uint48 now_) private returns (uint48 latest) {
        uint256 n = list.length;
        uint256 high = low;
        uint256 step = 1;
        while (high < n && list[high] <= now_) {
            low = high + 1;
            high += step;
            step <<= 1;
        }
        if (high > n) high = n;
        while (low < high) {
            uint256 mid = (low + high) >> 1;
            if (list[mid] > now_) high = mid;
            else low = mid + 1;
        }
        if (low != 0) latest = list[low - 1];
        // The count is at most the list's length.
        // forge-lint: disable-next-line(unsafe-typecast)
        _due[id] = DueSnapshots({latest: latest, next: low < n ? list[low] : 0, count: uint160(low)});
    }

    /// @inheritdoc IModelShares
    function isSnapshot(uint256 id, uint256 timepoint) external view returns (bool) {
        return _snapshots[id][timepoint];
    }

    /// @inheritdoc IModelShares
    function latestSnapshot(uint256 id) external view returns (uint48) {
        return _heads[id].lastSnapshot;
    }

    /// @dev {IModelShares-delegate}: `msg.sender` delegates its votes on `id` to `delegatee` (0: itself).
    function _delegate(uint256 id, address delegatee) internal {
        if (_adminOf(id) == address(0)) revert ModelSharesUnknownModel(id);
        address account = msg.sender;
        address oldDelegate = delegates(id, account);
        address newDelegate = delegatee == address(0) ? account : delegatee;
        emit DelegateChanged(id, account, oldDelegate, newDelegate);
        if (oldDelegate == newDelegate) return;
        Move memory m;
        m.id = id;
        m.value = balanceOf(account, id);
        m.now_ = clock();
        m.snapshot = _snapshotAtOrBefore(id, _heads[id].lastSnapshot, m.now_);
        // The account's own slot: archive its votes before its flags change, then flip DELEGATES_AWAY.
        Account storage slot = _accounts[id][account];
        AccountWord w = _touchVotes(slot.word, id, account, m.now_, m.snapshot, m.value);
        if (newDelegate == account) {
            w = w.withDelegatesAway(false);
            delete _delegatee[id][account];
        } else {
            w = w.withDelegatesAway(true);
            _delegatee[id][account] = newDelegate;
        }
        slot.word = w;
        if (m.value == 0) return;
        uint256 received = _receivedOf(id, account, w);
        if (oldDelegate == account) emit DelegateVotesChanged(id, account, received + m.value, received);
        else _shiftReceived(m, oldDelegate, false, balanceOf(oldDelegate, id));
        if (newDelegate == account) emit DelegateVotesChanged(id, account, received, received + m.value);
        else _shiftReceived(m, newDelegate, true, balanceOf(newDelegate, id));
    }

    /// @inheritdoc IModelShares
    function delegates(uint256 id, address account) public view returns (address) {
        return _accounts[id][account].word.delegatesAway() ? _delegatee[id][account] : account;
    }

    /// @inheritdoc IModelShares
    function getVotes(uint256 id, address account) external view returns (uint256) {
        return _votesOf(id, account, _accounts[id][account].word, balanceOf(account, id));
    }

    /// @inheritdoc IModelShares
    function getPastVotes(uint256 id, address account, uint256 timepoint) external view returns (uint256) {
        uint48 t = _validatePastTimepoint(timepoint);
        if (!_snapshots[id][t]) revert ModelSharesSnapshotNotRegistered(id, timepoint);
        AccountWord w = _accounts[id][account].word;
        // Unchanged since (at or before) the snapshot: the current value is the value at the end of block `t`.
        if (t >= w.lastChange()) return _votesOf(id, account, w, balanceOf(account, id));
        // Changed after the snapshot: the first such change archived the value the snapshot saw.
        return _history[id][account].upperLookupRecent(t);
    }

    /// @inheritdoc IModelShares
    function getPastTotalSupply(uint256 id, uint256 timepoint) external view returns (uint256) {
        uint48 t = _validatePastTimepoint(timepoint);
        uint48 createdAt = _createdAt(id);
        // Supply is fixed at creation: the whole supply exists from the creation block on.
        return createdAt != 0 && t >= createdAt ? totalSupply(id) : 0;
    }

    function _validatePastTimepoint(uint256 timepoint) private view returns (uint48) {
        uint48 current = clock();
        if (timepoint >= current) revert ModelSharesFutureLookup(timepoint, current);
        // timepoint < current <= type(uint48).max, so the cast is lossless.
        // forge-lint: disable-next-line(unsafe-typecast)
        return uint48(timepoint);
    }

    /// @dev Votes delegated to `account` by others (0 unless it ever received a delegation).
    function _receivedOf(uint256 id, address account, AccountWord w) private view returns (uint256) {
        return w.receives() ? _received[id][account] : 0;
    }

    /// @dev Votes of `account` given its account word `w` and its balance.
    function _votesOf(uint256 id, address account, AccountWord w, uint256 balance) private view returns (uint256) {
        uint256 votes = _receivedOf(id, account, w);
        return w.delegatesAway() ? votes : votes + balance;
    }

    /// @dev Takes the word `w` of (`id`, `account`) before a change of its votes or correction in block
    ///      `now_`. If this is its first change in this block and a registered snapshot lies in [lastChange, now_],
    ///      the votes it had until now are archived under `lastChange`, the block they were set in. `snapshot` is the
    ///      latest registered one at or before `now_` (future snapshots may be registered too; they are not due yet),
    ///      so if any registered snapshot lies in [lastChange, now_) this one does too. A snapshot equal to `now_`
    ///      needs no archive (it reads the
    ///      end of this block, i.e. the live value) but gets one anyway: harmless, since the archived value held over
    ///      the whole of [lastChange, now_). `balance` is the account's balance before the change. Returns the word
    ///      stamped with `now_`; the caller stores it.
    ///      Block 0 (genesis) holds no transactions, so a snapshot of 0 safely means "none".
    function _touchVotes(
        AccountWord w,
        uint256 id,
        address account,
        uint48 now_,
        uint48 snapshot,
        uint256 balance
    ) private returns (AccountWord) {
        uint48 last = w.lastChange();
        if (last != now_) {
            // `last == 0`: never touched, so its votes were 0 all along and there is nothing to archive.
            if (last != 0 && last <= snapshot) {
                // Votes never exceed the supply (<= MAX_SUPPLY < 2**208), so the cast is lossless.
                // forge-lint: disable-next-line(unsafe-typecast)
                _history[id][account].push(last, uint208(_votesOf(id, account, w, balance)));
            }
            w = w.withLastChange(now_);
        }
        return w;
    }

    /// @dev Adds (`up`) or removes `m.value` votes delegated to `delegatee`, whose balance is `balance`.
    function _shiftReceived(Move memory m, address delegatee, bool up, uint256 balance) private {
        Account storage slot = _accounts[m.id][delegatee];
        AccountWord w = _touchVotes(slot.word, m.id, delegatee, m.now_, m.snapshot, balance);
        uint256 before = _receivedOf(m.id, delegatee, w);
        uint256 own = w.delegatesAway() ? 0 : balance;
        // Removal: `before` includes the balances of all accounts delegating here, `m.value` among them.
        uint256 received = up ? before + m.value : before - m.value;
        _received[m.id][delegatee] = received;
        slot.word = w.withReceives(true);
        emit DelegateVotesChanged(m.id, delegatee, before + own, received + own);
    }

    /// @dev One side of a balance move, for `_update`: `account` sends (`out`) or receives `m.value` of `m.id`, its
    ///      balance going from `before` to `after_`; `other` is the counterparty, whose balance at this step is
    ///      `otherBalance`. Loads the account's word once, archives and stamps its votes ({_touchVotes}), offsets its
    ///      fee correction by the fee pool's {ShareAccounts-_correctionDelta}, stores the word once, then emits the vote
    ///      change or moves the value between its delegate's counters.
    function _moveSide(
        Move memory m,
        address account,
        bool out,
        uint256 before,
        uint256 after_,
        address other,
        uint256 otherBalance
    ) internal {
        Account storage slot = _accounts[m.id][account];
        AccountWord w = _touchVotes(slot.word, m.id, account, m.now_, m.snapshot, before).withCorrectionAdded(
            _correctionDelta(m, out)
        );
        slot.word = w;
        if (!w.delegatesAway()) {
            uint256 received = _receivedOf(m.id, account, w);
            // Unchecked: received + balance are this account's votes, never above the supply (<= MAX_SUPPLY).
            unchecked {
                emit DelegateVotesChanged(m.id, account, received + before, received + after_);
            }
        } else {
            address d = _delegatee[m.id][account];
            uint256 dBalance = d == other ? otherBalance : balanceOf(d, m.id);
            _shiftReceived(m, d, !out, dBalance);
        }
    }

    /// @dev Block in which model `id` was created (its whole supply exists from then on); 0 if there is no such model.
    function _createdAt(uint256 id) internal view virtual returns (uint48);
}
