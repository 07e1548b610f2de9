// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC1155} from "@openzeppelin/contracts/token/ERC1155/ERC1155.sol";
import {ERC2981} from "@openzeppelin/contracts/token/common/ERC2981.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IModelShares} from "../interfaces/IModelShares.sol";
import {ModelFeePool} from "./extensions/ModelFeePool.sol";
import {ShareAccounts} from "./extensions/ShareAccounts.sol";
import {ShareVotes} from "./extensions/ShareVotes.sol";

/// @title ModelShares
/// @notice ERC-1155 shares of AI models with a per-model fee pool (pull payments) and per-model votes with lazy,
///         snapshot-on-demand history. One payment ERC-20 per deployment. See {IModelShares} for the dust bound, the
///         delegation default and the snapshot rule.
/// @dev The model registry and its admin functions, composed with two extensions over one ERC-1155 ledger:
///      {ModelFeePool} (deposits, claims, fee corrections) and {ShareVotes} (delegation, votes, snapshots). Both keep
///      their per-transfer state in the packed words of {ShareAccounts}; `_update` runs OZ's balance update first and
///      then the extensions' hooks, reading and writing each word once.
///
///      Every state-changing entry point is declared here, with its guard (`onlyAdmin`, `nonReentrant`) in sight,
///      and forwards to the extension that owns the state; the extensions' views are inherited as they are.
contract ModelShares is IModelShares, ModelFeePool, ShareVotes, ERC2981, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

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

    /// @notice Human-readable collection name.
    string public name;

    uint256 private _modelCount;
    mapping(uint256 id => Model) private _models;
    mapping(uint256 id => address) private _pendingAdmin;

    /// @param paymentToken_ The single ERC-20 in which fees are paid (no fee-on-transfer / rebasing tokens).
    /// @param name_ Collection name, informational.
    constructor(IERC20 paymentToken_, string memory name_) ERC1155("") ModelFeePool(paymentToken_) {
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
        _setSnapshotter(id, snapshotter);
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
        uint256 cumulative = _totalDeposited(id) + amount;
        if (cumulative > MAX_CUMULATIVE_FEES) revert ModelSharesFeeCapExceeded(id, cumulative, MAX_CUMULATIVE_FEES);
        _depositFees(id, amount);
    }

    /// @inheritdoc IModelShares
    function depositFeesUpTo(uint256 id, uint256 amount) external nonReentrant returns (uint256 accepted) {
        uint256 room = MAX_CUMULATIVE_FEES - _totalDeposited(id);
        accepted = amount < room ? amount : room;
        if (accepted != 0) _depositFees(id, accepted);
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

    // ------------------------------------------------------------------- votes

    /// @inheritdoc IModelShares
    function registerSnapshot(uint256 id, uint48 timepoint) external {
        _registerSnapshot(id, timepoint);
    }

    /// @inheritdoc IModelShares
    function delegate(uint256 id, address delegatee) external {
        _delegate(id, delegatee);
    }

    // ------------------------------------------------------- extension hooks

    /// @inheritdoc ShareAccounts
    function _adminOf(uint256 id) internal view override returns (address) {
        return _models[id].admin;
    }

    /// @inheritdoc ShareVotes
    function _createdAt(uint256 id) internal view override returns (uint48) {
        return _models[id].createdAt;
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
            IdHead storage head = _heads[m.id];
            m.magnifiedPerShare = head.magnifiedPerShare;
            m.snapshot = _snapshotAtOrBefore(m.id, head.lastSnapshot, m.now_);
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

    /// @notice ERC-165: ERC-1155, ERC-1155 metadata, ERC-2981 and IModelShares.
    /// @param interfaceId Interface identifier.
    function supportsInterface(bytes4 interfaceId) public view override(ERC1155, ERC2981) returns (bool) {
        return
            interfaceId == type(IModelShares).interfaceId ||
            ERC1155.supportsInterface(interfaceId) ||
            ERC2981.supportsInterface(interfaceId);
    }
}
