// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC1155} from "@openzeppelin/contracts/token/ERC1155/ERC1155.sol";
import {ERC1155Supply} from "@openzeppelin/contracts/token/ERC1155/extensions/ERC1155Supply.sol";
import {ERC2981} from "@openzeppelin/contracts/token/common/ERC2981.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {Time} from "@openzeppelin/contracts/utils/types/Time.sol";
import {IERC6372} from "@openzeppelin/contracts/interfaces/IERC6372.sol";
import {IModelShares} from "../interfaces/IModelShares.sol";
import {AccountWord} from "./libraries/AccountWord.sol";

/// @title ModelShares
/// @notice ERC-1155 shares of AI models with a per-model fee pool (pull payments) and per-model votes with lazy,
///         snapshot-on-demand history. One payment ERC-20 per deployment. See {IModelShares} for the dust bound, the
///         delegation default and the snapshot rule.
/// @dev Fee accounting is the "magnified dividend per share" scheme: `magnifiedPerShare` grows on every deposit and
///      each (id, account) keeps a signed correction, adjusted in `_update`, such that
///      `magnifiedPerShare * balance + correction` is the account's magnified entitlement, which a transfer never
///      changes. Fee-on-transfer and rebasing payment tokens are not supported.
///
///      Votes are implicit where possible: an account that did not delegate away votes with its balance, plus (only
///      if it ever received a delegation) the balances delegated to it, kept in `_received`. History is written
///      lazily: each (id, account) stamps the block of its last change in the same slot as its fee correction, and a
///      change archives the previous value into `_history` only if a registered snapshot of the id lies in
///      `[lastChange, now)`. Every registered snapshot can therefore be answered exactly; other timepoints cannot.
contract ModelShares is IModelShares, ERC1155Supply, ERC2981, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using Checkpoints for Checkpoints.Trace208;

    /// @notice Fixed-point magnitude of the fee-per-share accumulator.
    uint256 public constant MAGNITUDE = 2 ** 96;
    /// @notice Largest share supply of one model (< MAGNITUDE, which keeps the carry below one base unit).
    uint256 public constant MAX_SUPPLY = 2 ** 96 - 1;
    /// @notice Largest cumulative fee amount one model may ever receive. With MAGNITUDE it bounds every magnified
    ///         quantity (accumulator * supply, entitlements, corrections) by `MAX_CUMULATIVE_FEES * MAGNITUDE < 2**196`,
    ///         so the accumulator fits in uint208 and each correction in int200.
    uint256 public constant MAX_CUMULATIVE_FEES = 2 ** 100 - 1;
    /// @notice Largest royalty rate, in basis points (25%).
    uint96 public constant MAX_ROYALTY_BPS = 2_500;
    /// @notice Basis-point denominator.
    uint16 public constant BPS = 10_000;
    /// @notice Seconds between scheduling a fee-share change and its effect. Longer than the longest payment-channel
    ///         thaw (`FEE_SHARE_QUOTE_GRACE`), so an operator can settle everything it accepted at the old split.
    uint48 public constant FEE_SHARE_DELAY = 8 days;
    /// @notice Seconds after a change during which a payment quoted at the previous split still settles at it.
    uint48 public constant FEE_SHARE_QUOTE_GRACE = 7 days;
    /// @notice Largest change of the fee share per scheduled change, in basis points.
    uint16 public constant MAX_FEE_SHARE_STEP_BPS = 1_000;

    struct Model {
        // slot 0: read by the payment contracts on every settle
        address admin;
        uint16 feeShareBps; // in effect until `nextFeeShareAt`
        uint16 nextFeeShareBps; // scheduled, in effect from `nextFeeShareAt`
        uint48 nextFeeShareAt; // 0 when nothing was ever scheduled
        // slot 1
        address creator;
        uint16 royaltyBps;
        uint48 createdAt;
        // slot 2
        uint256 pricePerRequest;
        // slot 3..
        string manifestCid;
    }

    struct FeePool {
        // slot 0: read by every transfer
        uint208 magnifiedPerShare; // <= MAX_CUMULATIVE_FEES * MAGNITUDE < 2**196
        uint48 lastSnapshot; // latest registered snapshot, 0 if none
        // slot 1
        uint96 carry; // < supply <= MAX_SUPPLY < 2**96
        uint112 totalDeposited; // <= MAX_CUMULATIVE_FEES < 2**100
    }

    /// @dev The one word kept per (id, account), written on every balance change of the account: fee correction
    ///      (|correction| <= MAX_CUMULATIVE_FEES * MAGNITUDE < 2**196 fits int200), block of the last change of its
    ///      votes or correction, and flags (DELEGATES_AWAY, RECEIVES); see {AccountWord}. One SLOAD, one SSTORE.
    ///      Wrapped in a struct so a function can hold a storage pointer to it (one slot computation per account).
    struct Account {
        AccountWord word;
    }

    /// @dev Per-element context of a balance move in `_update`.
    struct Move {
        uint256 id;
        uint256 value;
        uint256 magnifiedPerShare;
        uint48 now_;
        uint48 snapshot; // latest registered snapshot at or before now_, 0 if none
    }

    IERC20 private immutable _paymentToken;
    /// @notice Human-readable collection name.
    string public name;

    uint256 private _modelCount;
    mapping(uint256 id => Model) private _models;
    mapping(uint256 id => FeePool) private _pools;
    mapping(uint256 id => mapping(address account => Account)) private _accounts;
    mapping(uint256 id => mapping(address account => uint256)) private _claimed;
    mapping(uint256 id => mapping(address account => address)) private _delegatee;
    mapping(uint256 id => mapping(address delegatee => uint256)) private _received;
    mapping(uint256 id => mapping(address account => Checkpoints.Trace208)) private _history;
    mapping(uint256 id => mapping(uint256 timepoint => bool)) private _snapshots;
    /// @dev Registered snapshots of each id in ascending order (future ones included).
    mapping(uint256 id => uint48[]) private _snapshotList;
    mapping(uint256 id => address) private _pendingAdmin;
    mapping(uint256 id => address) private _snapshotter;

    /// @param paymentToken_ The single ERC-20 in which fees are paid (no fee-on-transfer / rebasing tokens).
    /// @param name_ Collection name, informational.
    constructor(IERC20 paymentToken_, string memory name_) ERC1155("") {
        if (address(paymentToken_) == address(0)) revert ModelSharesInvalidPaymentToken();
        _paymentToken = paymentToken_;
        name = name_;
    }

    modifier onlyAdmin(uint256 id) {
        address admin = _models[id].admin;
        if (admin == address(0)) revert ModelSharesUnknownModel(id);
        if (admin != msg.sender) revert ModelSharesUnauthorized(id, msg.sender);
        _;
    }

    // ------------------------------------------------------------------ models

    /// @inheritdoc IModelShares
    function createModel(
        string calldata manifestCid_,
        uint256 supply,
        uint96 royaltyBps_,
        uint16 feeShareBps_,
        uint256 pricePerRequest_
    ) external returns (uint256 id) {
        if (bytes(manifestCid_).length == 0) revert ModelSharesEmptyManifest();
        if (supply == 0 || supply > MAX_SUPPLY) revert ModelSharesInvalidSupply(supply, MAX_SUPPLY);
        if (royaltyBps_ > MAX_ROYALTY_BPS) revert ModelSharesInvalidBps(royaltyBps_, MAX_ROYALTY_BPS);
        if (feeShareBps_ > BPS) revert ModelSharesInvalidBps(feeShareBps_, BPS);

        id = ++_modelCount;
        _models[id] = Model({
            admin: msg.sender,
            feeShareBps: feeShareBps_,
            nextFeeShareBps: feeShareBps_,
            nextFeeShareAt: 0,
            creator: msg.sender,
            // forge-lint: disable-next-line(unsafe-typecast)
            royaltyBps: uint16(royaltyBps_), // <= MAX_ROYALTY_BPS
            createdAt: clock(),
            pricePerRequest: pricePerRequest_,
            manifestCid: manifestCid_
        });
        _setTokenRoyalty(id, msg.sender, royaltyBps_);
        emit ModelCreated(id, msg.sender, manifestCid_, supply, royaltyBps_, feeShareBps_, pricePerRequest_);
        emit AdminChanged(id, address(0), msg.sender);
        // Mint last: the receiver hook (creator may be a contract) runs after all state is written.
        _mint(msg.sender, id, supply, "");
    }

    /// @inheritdoc IModelShares
    function transferAdmin(uint256 id, address newAdmin) external onlyAdmin(id) {
        _pendingAdmin[id] = newAdmin;
        emit AdminTransferStarted(id, msg.sender, newAdmin);
    }

    /// @inheritdoc IModelShares
    function acceptAdmin(uint256 id) external {
        address pending = _pendingAdmin[id];
        if (pending == address(0) || pending != msg.sender) revert ModelSharesNotPendingAdmin(id, msg.sender);
        delete _pendingAdmin[id];
        emit AdminChanged(id, _models[id].admin, pending);
        _models[id].admin = pending;
    }

    /// @inheritdoc IModelShares
    function pendingAdminOf(uint256 id) external view returns (address) {
        return _pendingAdmin[id];
    }

    /// @inheritdoc IModelShares
    function setManifest(uint256 id, string calldata manifestCid_) external onlyAdmin(id) {
        if (bytes(manifestCid_).length == 0) revert ModelSharesEmptyManifest();
        _models[id].manifestCid = manifestCid_;
        emit ManifestChanged(id, manifestCid_);
        emit URI(string.concat("ipfs://", manifestCid_), id);
    }

    /// @inheritdoc IModelShares
    function setSnapshotter(uint256 id, address snapshotter) external onlyAdmin(id) {
        _snapshotter[id] = snapshotter;
        emit SnapshotterChanged(id, snapshotter);
    }

    /// @inheritdoc IModelShares
    function snapshotterOf(uint256 id) external view returns (address) {
        return _snapshotter[id];
    }

    /// @inheritdoc IModelShares
    function scheduleFeeShare(uint256 id, uint16 feeShareBps_) external onlyAdmin(id) returns (uint48 effectiveAt) {
        Model storage m = _models[id];
        uint48 now_ = uint48(block.timestamp);
        uint48 at = m.nextFeeShareAt;
        // One change at a time: the previous one must be in effect and past its quote grace, so that every
        // settlement sees at most two splits (the effective one and the one it replaced).
        if (at != 0 && now_ < at + FEE_SHARE_QUOTE_GRACE) {
            revert ModelSharesFeeShareChangePending(id, at + FEE_SHARE_QUOTE_GRACE);
        }
        uint16 current = at != 0 ? m.nextFeeShareBps : m.feeShareBps;
        if (feeShareBps_ > BPS) revert ModelSharesInvalidBps(feeShareBps_, BPS);
        uint16 step = feeShareBps_ > current ? feeShareBps_ - current : current - feeShareBps_;
        if (step > MAX_FEE_SHARE_STEP_BPS) revert ModelSharesFeeShareStepTooLarge(current, feeShareBps_, MAX_FEE_SHARE_STEP_BPS);
        effectiveAt = now_ + FEE_SHARE_DELAY;
        m.feeShareBps = current;
        m.nextFeeShareBps = feeShareBps_;
        m.nextFeeShareAt = effectiveAt;
        emit FeeShareScheduled(id, current, feeShareBps_, effectiveAt);
    }

    /// @inheritdoc IModelShares
    function cancelFeeShare(uint256 id) external onlyAdmin(id) {
        Model storage m = _models[id];
        uint48 at = m.nextFeeShareAt;
        if (at == 0 || block.timestamp >= at) revert ModelSharesNoFeeSharePending(id);
        m.nextFeeShareBps = m.feeShareBps;
        m.nextFeeShareAt = 0;
        emit FeeShareCancelled(id);
    }

    /// @inheritdoc IModelShares
    function setPricePerRequest(uint256 id, uint256 pricePerRequest_) external onlyAdmin(id) {
        _models[id].pricePerRequest = pricePerRequest_;
        emit PriceChanged(id, pricePerRequest_);
    }

    /// @inheritdoc IModelShares
    function setRoyaltyReceiver(uint256 id, address receiver) external onlyAdmin(id) {
        if (receiver == address(0)) revert ModelSharesZeroAddress();
        _setTokenRoyalty(id, receiver, _models[id].royaltyBps);
        emit RoyaltyReceiverChanged(id, receiver);
    }

    /// @inheritdoc IModelShares
    function paymentToken() external view returns (IERC20) {
        return _paymentToken;
    }

    /// @inheritdoc IModelShares
    function modelCount() external view returns (uint256) {
        return _modelCount;
    }

    /// @inheritdoc IModelShares
    function creatorOf(uint256 id) external view returns (address) {
        return _models[id].creator;
    }

    /// @inheritdoc IModelShares
    function adminOf(uint256 id) external view returns (address) {
        return _models[id].admin;
    }

    /// @inheritdoc IModelShares
    function feeShareBps(uint256 id) external view returns (uint16) {
        Model storage m = _models[id];
        if (m.admin == address(0)) revert ModelSharesUnknownModel(id);
        uint48 at = m.nextFeeShareAt;
        return at != 0 && block.timestamp >= at ? m.nextFeeShareBps : m.feeShareBps;
    }

    /// @inheritdoc IModelShares
    function feeShareSchedule(uint256 id)
        external
        view
        returns (uint16 effective, uint16 next, uint48 nextAt, uint16 previous, uint48 previousQuotableUntil)
    {
        Model storage m = _models[id];
        if (m.admin == address(0)) revert ModelSharesUnknownModel(id);
        uint48 at = m.nextFeeShareAt;
        if (at != 0 && block.timestamp >= at) {
            return (m.nextFeeShareBps, m.nextFeeShareBps, 0, m.feeShareBps, at + FEE_SHARE_QUOTE_GRACE);
        }
        return (m.feeShareBps, m.nextFeeShareBps, at, m.feeShareBps, 0);
    }

    /// @inheritdoc IModelShares
    function feeShareFor(uint256 id, uint16 quotedBps) external view returns (uint16) {
        Model storage m = _models[id];
        if (m.admin == address(0)) revert ModelSharesUnknownModel(id);
        uint48 at = m.nextFeeShareAt;
        if (at == 0 || block.timestamp < at) return m.feeShareBps;
        uint16 effective = m.nextFeeShareBps;
        // A payment quoted at the split this change replaced settles at it during the grace.
        if (quotedBps == m.feeShareBps && block.timestamp < uint256(at) + FEE_SHARE_QUOTE_GRACE) return quotedBps;
        return effective;
    }

    /// @inheritdoc IModelShares
    function pricePerRequest(uint256 id) external view returns (uint256) {
        return _models[id].pricePerRequest;
    }

    /// @inheritdoc IModelShares
    function royaltyBps(uint256 id) external view returns (uint96) {
        return _models[id].royaltyBps;
    }

    /// @inheritdoc IModelShares
    function manifestCid(uint256 id) external view returns (string memory) {
        return _models[id].manifestCid;
    }

    /// @notice Metadata URI of model `id`: `ipfs://<manifestCid>`. Reverts for unknown ids.
    /// @param id Model id.
    function uri(uint256 id) public view override returns (string memory) {
        if (_models[id].admin == address(0)) revert ModelSharesUnknownModel(id);
        return string.concat("ipfs://", _models[id].manifestCid);
    }

    // -------------------------------------------------------------------- fees

    /// @inheritdoc IModelShares
    function depositFees(uint256 id, uint256 amount) external nonReentrant {
        if (amount == 0) revert ModelSharesZeroAmount();
        uint256 cumulative = _pools[id].totalDeposited + amount;
        if (cumulative > MAX_CUMULATIVE_FEES) revert ModelSharesFeeCapExceeded(id, cumulative, MAX_CUMULATIVE_FEES);
        _depositFees(id, amount);
    }

    /// @inheritdoc IModelShares
    function depositFeesUpTo(uint256 id, uint256 amount) external nonReentrant returns (uint256 accepted) {
        uint256 room = MAX_CUMULATIVE_FEES - _pools[id].totalDeposited;
        accepted = amount < room ? amount : room;
        if (accepted != 0) _depositFees(id, accepted);
    }

    /// @dev Books `amount` (> 0, within the cap) into the pool of `id` and pulls it from the caller.
    function _depositFees(uint256 id, uint256 amount) private {
        uint256 supply = totalSupply(id);
        if (supply == 0) revert ModelSharesUnknownModel(id);
        FeePool storage pool = _pools[id];
        uint256 cumulative = pool.totalDeposited + amount;
        // amount <= MAX_CUMULATIVE_FEES < 2**100, so amount * 2**96 + carry < 2**197 cannot overflow.
        uint256 magnified = amount * MAGNITUDE + pool.carry;
        // supply * magnifiedPerShare + carry == totalDeposited * MAGNITUDE after every deposit, so the accumulator
        // stays <= MAX_CUMULATIVE_FEES * MAGNITUDE < 2**196 and fits uint208; carry < supply <= MAX_SUPPLY < 2**96;
        // cumulative <= MAX_CUMULATIVE_FEES < 2**100 fits uint112.
        // forge-lint: disable-next-line(unsafe-typecast)
        pool.magnifiedPerShare += uint208(magnified / supply);
        // forge-lint: disable-next-line(unsafe-typecast)
        pool.carry = uint96(magnified % supply);
        // forge-lint: disable-next-line(unsafe-typecast)
        pool.totalDeposited = uint112(cumulative);
        emit FeesDeposited(id, msg.sender, amount);
        _paymentToken.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IModelShares
    function claimable(uint256 id, address account) public view returns (uint256) {
        return _accumulated(id, account) - _claimed[id][account];
    }

    /// @inheritdoc IModelShares
    function claimed(uint256 id, address account) external view returns (uint256) {
        return _claimed[id][account];
    }

    /// @inheritdoc IModelShares
    function feePool(uint256 id) external view returns (uint256 totalDeposited, uint256 carry) {
        FeePool storage pool = _pools[id];
        return (pool.totalDeposited, pool.carry);
    }

    /// @inheritdoc IModelShares
    function claim(uint256 id) external nonReentrant returns (uint256 amount) {
        amount = _settleClaim(id, msg.sender);
        if (amount != 0) _paymentToken.safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IModelShares
    function claimMany(uint256[] calldata ids) external nonReentrant returns (uint256 total) {
        for (uint256 i; i < ids.length; ++i) {
            total += _settleClaim(ids[i], msg.sender);
        }
        if (total != 0) _paymentToken.safeTransfer(msg.sender, total);
    }

    /// @dev Books the claim of `account` on `id` (effects only) and returns the amount owed.
    function _settleClaim(uint256 id, address account) private returns (uint256 amount) {
        uint256 already = _claimed[id][account];
        amount = _accumulated(id, account) - already;
        if (amount != 0) {
            _claimed[id][account] = already + amount;
            emit FeesClaimed(id, account, amount);
        }
    }

    /// @dev Total fees of `id` ever earned by `account` (claimed or not), rounded down.
    function _accumulated(uint256 id, address account) private view returns (uint256) {
        // magnifiedPerShare * balance <= magnifiedPerShare * supply < 2**196 (see MAX_CUMULATIVE_FEES): the cast is lossless.
        // forge-lint: disable-next-line(unsafe-typecast)
        int256 magnified = int256(uint256(_pools[id].magnifiedPerShare) * balanceOf(account, id)) +
            _accounts[id][account].word.correction();
        // The entitlement is non-negative by construction: corrections only ever offset, at the accumulator value of
        // the moment, shares that moved in or out, so the sum is the (non-negative) magnified fees earned.
        // forge-lint: disable-next-line(unsafe-typecast)
        return uint256(magnified) / MAGNITUDE;
    }

    // ------------------------------------------------------------------- votes

    /// @inheritdoc IERC6372
    function clock() public view returns (uint48) {
        return Time.blockNumber();
    }

    /// @inheritdoc IERC6372
    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() external pure returns (string memory) {
        return "mode=blocknumber&from=default";
    }

    /// @inheritdoc IModelShares
    function registerSnapshot(uint256 id, uint48 timepoint) external {
        address admin = _models[id].admin;
        if (admin == address(0)) revert ModelSharesUnknownModel(id);
        // Restricted: each snapshot makes the next change of every account archive its votes (~3x transfer gas).
        if (msg.sender != admin && msg.sender != _snapshotter[id]) revert ModelSharesUnauthorizedSnapshot(id, msg.sender);
        uint48 now_ = clock();
        if (timepoint < now_) revert ModelSharesPastSnapshot(timepoint, now_);
        if (_snapshots[id][timepoint]) return;
        _snapshots[id][timepoint] = true;
        uint48[] storage list = _snapshotList[id];
        FeePool storage pool = _pools[id];
        uint48 last = pool.lastSnapshot;
        if (timepoint > last) {
            pool.lastSnapshot = timepoint;
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
        emit SnapshotRegistered(id, timepoint);
    }

    /// @dev The latest registered snapshot of `id` at or before block `now_` (0 if none). Reads the list only while
    ///      a future snapshot is pending; otherwise it is `lastSnapshot`, already loaded with the pool's first slot.
    function _snapshotAtOrBefore(uint256 id, uint48 lastSnapshot, uint48 now_) private view returns (uint48) {
        if (lastSnapshot <= now_) return lastSnapshot;
        uint48[] storage list = _snapshotList[id];
        // Pending snapshots are the last entries of the list: walk back from the end.
        for (uint256 i = list.length; i > 0; --i) {
            uint48 s = list[i - 1];
            if (s <= now_) return s;
        }
        return 0;
    }

    /// @inheritdoc IModelShares
    function isSnapshot(uint256 id, uint256 timepoint) external view returns (bool) {
        return _snapshots[id][timepoint];
    }

    /// @inheritdoc IModelShares
    function latestSnapshot(uint256 id) external view returns (uint48) {
        return _pools[id].lastSnapshot;
    }

    /// @inheritdoc IModelShares
    function delegate(uint256 id, address delegatee) external {
        if (_models[id].admin == address(0)) revert ModelSharesUnknownModel(id);
        address account = msg.sender;
        address oldDelegate = delegates(id, account);
        address newDelegate = delegatee == address(0) ? account : delegatee;
        emit DelegateChanged(id, account, oldDelegate, newDelegate);
        if (oldDelegate == newDelegate) return;
        Move memory m;
        m.id = id;
        m.value = balanceOf(account, id);
        m.now_ = clock();
        m.snapshot = _snapshotAtOrBefore(id, _pools[id].lastSnapshot, m.now_);
        // The account's own slot: archive its votes before its flags change, then flip DELEGATES_AWAY.
        Account storage slot = _accounts[id][account];
        AccountWord w = _touch(slot, id, account, m.now_, m.snapshot, m.value);
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
        uint48 createdAt = _models[id].createdAt;
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

    /// @dev Loads the word of (`id`, `account`) (at `slot`) before a change of its votes or correction in block
    ///      `now_`. If this is its first change in this block and a registered snapshot lies in [lastChange, now_],
    ///      the votes it had until now are archived under `lastChange`, the block they were set in. `snapshot` is the
    ///      latest registered one at or before `now_` (future snapshots may be registered too; they are not due yet),
    ///      so if any registered snapshot lies in [lastChange, now_) this one does too. A snapshot equal to `now_`
    ///      needs no archive (it reads the
    ///      end of this block, i.e. the live value) but gets one anyway: harmless, since the archived value held over
    ///      the whole of [lastChange, now_). `balance` is the account's balance before the change. Returns the word
    ///      stamped with `now_`; the caller stores it.
    ///      Block 0 (genesis) holds no transactions, so a snapshot of 0 safely means "none".
    function _touch(
        Account storage slot,
        uint256 id,
        address account,
        uint48 now_,
        uint48 snapshot,
        uint256 balance
    ) private returns (AccountWord w) {
        w = slot.word;
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
    }

    /// @dev Adds (`up`) or removes `m.value` votes delegated to `delegatee`, whose balance is `balance`.
    function _shiftReceived(Move memory m, address delegatee, bool up, uint256 balance) private {
        Account storage slot = _accounts[m.id][delegatee];
        AccountWord w = _touch(slot, m.id, delegatee, m.now_, m.snapshot, balance);
        uint256 before = _receivedOf(m.id, delegatee, w);
        uint256 own = w.delegatesAway() ? 0 : balance;
        // Removal: `before` includes the balances of all accounts delegating here, `m.value` among them.
        uint256 received = up ? before + m.value : before - m.value;
        _received[m.id][delegatee] = received;
        slot.word = w.withReceives(true);
        emit DelegateVotesChanged(m.id, delegatee, before + own, received + own);
    }

    // ------------------------------------------------------------------- hooks

    /// @dev Runs OZ's balance/supply update first, then keeps fee corrections and votes in step with balances.
    ///      Supply only grows through `createModel` (the accumulator of a fresh id is zero) and never shrinks.
    ///      Vote events are emitted per element as if the elements applied one after the other; since OZ already
    ///      applied all of them, an element's balances are rebuilt from the later elements of the same id (a loop
    ///      over the rest of the batch; a single transfer skips it).
    function _update(address from, address to, uint256[] memory ids, uint256[] memory values) internal override {
        super._update(from, to, ids, values);
        if (from == to) return;
        Move memory m;
        m.now_ = clock();
        for (uint256 i; i < ids.length; ++i) {
            m.value = values[i];
            if (m.value == 0) continue;
            m.id = ids[i];
            uint256 later;
            for (uint256 j = i + 1; j < ids.length; ++j) {
                if (ids[j] == m.id) later += values[j];
            }
            FeePool storage pool = _pools[m.id];
            m.magnifiedPerShare = pool.magnifiedPerShare;
            m.snapshot = _snapshotAtOrBefore(m.id, pool.lastSnapshot, m.now_);
            // Balances after this element: OZ already applied the `later` amount of the rest of the batch.
            // Unchecked: OZ applied these very moves, so `to` holds at least `later + value`, and every balance
            // rebuilt here is one `from` or `to` really had, <= supply <= MAX_SUPPLY.
            unchecked {
                uint256 fromAfter = from == address(0) ? 0 : balanceOf(from, m.id) + later;
                uint256 toAfter = to == address(0) ? 0 : balanceOf(to, m.id) - later;
                if (from != address(0)) {
                    _moveSide(m, from, true, fromAfter + m.value, fromAfter, to, toAfter - m.value);
                }
                if (to != address(0)) _moveSide(m, to, false, toAfter - m.value, toAfter, from, fromAfter);
            }
        }
    }

    /// @dev One side of a move: `account` sends (`out`) or receives `m.value` of `m.id`, its balance going from
    ///      `before` to `after_`. `other` is the counterparty, whose balance at this step is `otherBalance`.
    function _moveSide(
        Move memory m,
        address account,
        bool out,
        uint256 before,
        uint256 after_,
        address other,
        uint256 otherBalance
    ) private {
        Account storage slot = _accounts[m.id][account];
        AccountWord w = _touch(slot, m.id, account, m.now_, m.snapshot, before);
        if (m.magnifiedPerShare != 0) {
            // Unchecked: magnifiedPerShare * value <= magnifiedPerShare * supply < 2**196 (see MAX_CUMULATIVE_FEES),
            // no overflow. The correction arithmetic is modulo 2**200, i.e. exact int200 arithmetic, and the result is
            // again an entitlement minus magnifiedPerShare * balance, within +-2**196: it never leaves the int200 range.
            unchecked {
                uint256 delta = m.magnifiedPerShare * m.value;
                w = out ? w.withCorrectionAdded(delta) : w.withCorrectionSubtracted(delta);
            }
        }
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

    /// @notice ERC-165: ERC-1155, ERC-1155 metadata, ERC-2981 and IModelShares.
    /// @param interfaceId Interface identifier.
    function supportsInterface(bytes4 interfaceId) public view override(ERC1155, ERC2981) returns (bool) {
        return
            interfaceId == type(IModelShares).interfaceId ||
            ERC1155.supportsInterface(interfaceId) ||
            ERC2981.supportsInterface(interfaceId);
    }
}
