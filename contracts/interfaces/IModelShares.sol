// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC6372} from "@openzeppelin/contracts/interfaces/IERC6372.sol";

/// @title IModelShares
/// @notice Fixed-supply ERC-1155 shares of AI models. Every token id is one model. Each id carries
///         (1) a fee pool in the deployment's single payment ERC-20, paid pro rata to whoever held the shares when
///         the fees arrived, and (2) per-id voting power for the model's DAO, with history at registered snapshots.
/// @dev Delegation default: holders are IMPLICITLY SELF-DELEGATED. `delegates(id, a)` returns `a` until `a` names
///      another delegate, so every holder has votes without sending a transaction. `delegate(id, address(0))` and
///      `delegate(id, self)` both restore self-delegation; there is no "undelegated" state, so the sum of all votes
///      of an id always equals its total supply.
///
///      Snapshot rule (the price of cheap transfers): vote history is NOT written on every change. It is kept only
///      for timepoints registered with `registerSnapshot(id)`, which anyone may call and which registers the
///      current block (`clock()`); registering again in the same block is a no-op. `getPastVotes(id, a, t)` is exact
///      for every registered `t < clock()` and reverts with `ModelSharesSnapshotNotRegistered` for any other past
///      `t` (and with `ModelSharesFutureLookup` for `t >= clock()`). A Governor for a model MUST therefore register
///      its snapshot in the block it takes it: the intended pattern is `snapshot = registerSnapshot(id)` inside
///      `propose` (so the proposal block is the snapshot; a voting delay then only postpones the vote start).
///      A future block cannot be registered. `getPastTotalSupply` needs no registration: the supply of an id is fixed
///      at creation, so it is exact for every past timepoint. A transfer pays for history (one checkpoint per
///      affected account) only on the first change of an account after a registered snapshot.
///
///      Fee dust bound: a deposit of `amount` adds `(amount * 2**96 + carry) / supply` to the id's magnified
///      fee-per-share and keeps the remainder as `carry` (< supply <= 2**96 - 1, i.e. < 1 base unit) for the next
///      deposit. Each account's claimable amount is its exact magnified entitlement rounded down to base units.
///      Hence, for every id, at any time:
///      `totalDeposited - Σ claimed - Σ claimable  <  1 + H` base units, where H is the number of distinct accounts
///      that have ever held the id, and the payout never exceeds what was deposited.
interface IModelShares is IERC6372 {
    /// @notice A model was registered and its whole supply minted to `creator`.
    event ModelCreated(
        uint256 indexed id,
        address indexed creator,
        string manifestCid,
        uint256 supply,
        uint96 royaltyBps,
        uint16 feeShareBps,
        uint256 pricePerRequest
    );
    /// @notice The model's admin changed (e.g. handed over to the model's DAO timelock).
    event AdminChanged(uint256 indexed id, address indexed previousAdmin, address indexed newAdmin);
    /// @notice The admin of `id` offered the role to `pendingAdmin`, who must accept it (`address(0)`: offer withdrawn).
    event AdminTransferStarted(uint256 indexed id, address indexed admin, address indexed pendingAdmin);
    /// @notice The manifest (canonical weights version) of `id` changed.
    event ManifestChanged(uint256 indexed id, string manifestCid);
    /// @notice `snapshotter` (typically the model's governor) may now register snapshots of `id`.
    event SnapshotterChanged(uint256 indexed id, address indexed snapshotter);
    /// @notice A new shareholders' share of each payment was scheduled: `currentBps` applies until `effectiveAt`.
    event FeeShareScheduled(uint256 indexed id, uint16 currentBps, uint16 nextBps, uint48 effectiveAt);
    /// @notice A scheduled fee-share change of `id` was withdrawn before taking effect.
    event FeeShareCancelled(uint256 indexed id);
    /// @notice The informational price per request changed.
    event PriceChanged(uint256 indexed id, uint256 pricePerRequest);
    /// @notice The ERC-2981 royalty receiver changed.
    event RoyaltyReceiverChanged(uint256 indexed id, address indexed receiver);
    /// @notice `amount` payment-token units were added to the fee pool of `id` by `from`.
    event FeesDeposited(uint256 indexed id, address indexed from, uint256 amount);
    /// @notice `account` pulled `amount` of the fees it earned on `id`.
    event FeesClaimed(uint256 indexed id, address indexed account, uint256 amount);
    /// @notice `delegator` changed its delegate for `id`.
    event DelegateChanged(uint256 indexed id, address indexed delegator, address fromDelegate, address toDelegate);
    /// @notice The voting power of `delegate` for `id` changed.
    event DelegateVotesChanged(uint256 indexed id, address indexed delegate, uint256 previousVotes, uint256 newVotes);
    /// @notice Block `timepoint` was registered as a snapshot of `id`: its votes can be read once it is past.
    event SnapshotRegistered(uint256 indexed id, uint48 timepoint);

    /// @notice The manifest CID was empty.
    error ModelSharesEmptyManifest();
    /// @notice The supply was zero or above `MAX_SUPPLY`.
    error ModelSharesInvalidSupply(uint256 supply, uint256 max);
    /// @notice A basis-point value was above its maximum.
    error ModelSharesInvalidBps(uint256 bps, uint256 max);
    /// @notice No model has this id.
    error ModelSharesUnknownModel(uint256 id);
    /// @notice Only the model's admin may call this.
    error ModelSharesUnauthorized(uint256 id, address caller);
    /// @notice An address argument was the zero address.
    error ModelSharesZeroAddress();
    /// @notice A deposit of zero fees.
    error ModelSharesZeroAmount();
    /// @notice The cumulative fees of a model would exceed `MAX_CUMULATIVE_FEES`.
    error ModelSharesFeeCapExceeded(uint256 id, uint256 cumulative, uint256 max);
    /// @notice A past-votes lookup asked for the current or a future timepoint.
    error ModelSharesFutureLookup(uint256 timepoint, uint48 clock);
    /// @notice A past-votes lookup asked for a past timepoint that is not a registered snapshot of `id`.
    error ModelSharesSnapshotNotRegistered(uint256 id, uint256 timepoint);
    /// @notice The payment token was the zero address.
    error ModelSharesInvalidPaymentToken();
    /// @notice A fee-share change of `id` is pending or in its quote grace until `until`.
    error ModelSharesFeeShareChangePending(uint256 id, uint256 until);
    /// @notice A fee-share change from `current` to `requested` exceeds the step bound `maxStep`.
    error ModelSharesFeeShareStepTooLarge(uint16 current, uint16 requested, uint16 maxStep);
    /// @notice No fee-share change of `id` is waiting to take effect.
    error ModelSharesNoFeeSharePending(uint256 id);
    /// @dev The caller is not the pending admin of `id`.
    error ModelSharesNotPendingAdmin(uint256 id, address caller);
    /// @dev Only the admin or the snapshotter of `id` may register its snapshots.
    error ModelSharesUnauthorizedSnapshot(uint256 id, address caller);
    /// @dev A snapshot must be the current block or a future one.
    error ModelSharesPastSnapshot(uint256 timepoint, uint48 clock);

    /// @notice The single ERC-20 in which every fee of this deployment is paid.
    function paymentToken() external view returns (IERC20);

    /// @notice Number of models created so far; ids run from 1 to `modelCount()`.
    function modelCount() external view returns (uint256);

    /// @notice Registers a model and mints its whole, fixed `supply` to the caller, who becomes creator and admin.
    /// @param manifestCid IPFS CID of the model manifest; `uri(id)` returns `ipfs://<manifestCid>`.
    /// @param supply Fixed share supply, 1..MAX_SUPPLY. Never minted again, never burned.
    /// @param royaltyBps ERC-2981 royalty paid to the creator, at most `MAX_ROYALTY_BPS`.
    /// @param feeShareBps Shareholders' share of each escrow payment, at most 10,000.
    /// @param pricePerRequest Informational price per inference request, in payment-token units.
    /// @return id The new model's token id.
    function createModel(
        string calldata manifestCid,
        uint256 supply,
        uint96 royaltyBps,
        uint16 feeShareBps,
        uint256 pricePerRequest
    ) external returns (uint256 id);

    /// @notice Offers the model's admin role to `newAdmin` (typically the model DAO's timelock), who takes it with
    ///         `acceptAdmin`; `address(0)` withdraws the offer. Admin only. Until accepted nothing changes.
    /// @param id Model id.
    /// @param newAdmin The proposed admin.
    function transferAdmin(uint256 id, address newAdmin) external;

    /// @notice Takes the admin role of `id` offered by `transferAdmin`. Pending admin only.
    /// @param id Model id.
    function acceptAdmin(uint256 id) external;

    /// @notice The address offered the admin role of `id`, `address(0)` if none.
    function pendingAdminOf(uint256 id) external view returns (address);

    /// @notice Sets the manifest CID (the canonical weights version) of `id`. Admin only.
    /// @param id Model id.
    /// @param manifestCid New manifest CID, not empty.
    function setManifest(uint256 id, string calldata manifestCid) external;

    /// @notice Lets `snapshotter` (the model's governor) register snapshots of `id`; `address(0)` removes it.
    ///         Admin only.
    function setSnapshotter(uint256 id, address snapshotter) external;

    /// @notice The address allowed, besides the admin, to register snapshots of `id`.
    function snapshotterOf(uint256 id) external view returns (address);

    /// @notice Schedules a new shareholders' share of each payment, effective `FEE_SHARE_DELAY` from now and at most
    ///         `MAX_FEE_SHARE_STEP_BPS` away from the current one. One change at a time: reverts while a change is
    ///         pending or within its quote grace. Admin only.
    /// @param id Model id.
    /// @param feeShareBps New share in basis points, at most 10,000.
    /// @return effectiveAt Timestamp from which the new share applies.
    function scheduleFeeShare(uint256 id, uint16 feeShareBps) external returns (uint48 effectiveAt);

    /// @notice Withdraws a scheduled fee-share change before it takes effect. Admin only.
    /// @param id Model id.
    function cancelFeeShare(uint256 id) external;

    /// @notice Sets the informational price per request. Admin only.
    /// @param id Model id.
    /// @param pricePerRequest New price in payment-token units.
    function setPricePerRequest(uint256 id, uint256 pricePerRequest) external;

    /// @notice Redirects the model's ERC-2981 royalty to `receiver`, keeping its rate. Admin only.
    /// @param id Model id.
    /// @param receiver New royalty receiver, not zero.
    function setRoyaltyReceiver(uint256 id, address receiver) external;

    /// @notice The model's creator (first holder of the whole supply).
    function creatorOf(uint256 id) external view returns (address);

    /// @notice The model's admin.
    function adminOf(uint256 id) external view returns (address);

    /// @notice The shareholders' share of each payment in effect now, in basis points. Reverts for unknown ids.
    function feeShareBps(uint256 id) external view returns (uint16);

    /// @notice The fee-share schedule of `id`: the split in effect, the scheduled one and when it applies (0: none
    ///         pending), and the split it replaced with the time until which payments quoted at it settle at it.
    function feeShareSchedule(uint256 id)
        external
        view
        returns (uint16 effective, uint16 next, uint48 nextAt, uint16 previous, uint48 previousQuotableUntil);

    /// @notice The split a payment quoted at `quotedBps` settles at now: the quote itself if it is the split in
    ///         effect or the one just replaced (within `FEE_SHARE_QUOTE_GRACE`), the split in effect otherwise.
    /// @param id Model id.
    /// @param quotedBps The split the payer and operator agreed on when the payment was accepted.
    function feeShareFor(uint256 id, uint16 quotedBps) external view returns (uint16);

    /// @notice The informational price per request.
    function pricePerRequest(uint256 id) external view returns (uint256);

    /// @notice The model's royalty rate in basis points.
    function royaltyBps(uint256 id) external view returns (uint96);

    /// @notice The manifest CID given at creation.
    function manifestCid(uint256 id) external view returns (string memory);

    /// @notice Pulls `amount` payment tokens from the caller (allowance required) into the fee pool of `id`.
    ///         Anyone may call it; the fees belong to the holders of `id` at this moment, pro rata.
    /// @param id Model id.
    /// @param amount Amount of payment token, not zero.
    function depositFees(uint256 id, uint256 amount) external;

    /// @notice Like {depositFees} but never reverts for the lifetime cap: pulls and books as much of `amount` as
    ///         the pool of `id` can still take (`MAX_CUMULATIVE_FEES` in all) and returns it.
    /// @param id Model id.
    /// @param amount Amount of payment token offered (0 is allowed and books nothing).
    /// @return accepted The amount booked into the pool.
    function depositFeesUpTo(uint256 id, uint256 amount) external returns (uint256 accepted);

    /// @notice Fees of `id` that `account` can claim now.
    function claimable(uint256 id, address account) external view returns (uint256);

    /// @notice Fees of `id` that `account` has claimed so far.
    function claimed(uint256 id, address account) external view returns (uint256);

    /// @notice Total fees ever deposited into the pool of `id`, and the magnified remainder carried into the
    ///         next deposit (always < supply, so less than one base unit).
    function feePool(uint256 id) external view returns (uint256 totalDeposited, uint256 carry);

    /// @notice Transfers the caller's claimable fees of `id` to the caller. Returns 0 (no transfer) if none.
    /// @param id Model id.
    /// @return amount Amount paid.
    function claim(uint256 id) external returns (uint256 amount);

    /// @notice Claims the caller's fees of several ids in one payment-token transfer.
    /// @param ids Model ids (duplicates are harmless: the second one pays 0).
    /// @return total Amount paid.
    function claimMany(uint256[] calldata ids) external returns (uint256 total);

    /// @notice Delegates the caller's votes of `id` to `delegatee`; `address(0)` or the caller itself restores the
    ///         default implicit self-delegation.
    function delegate(uint256 id, address delegatee) external;

    /// @notice The delegate of `account` for `id`: `account` itself unless it delegated elsewhere.
    function delegates(uint256 id, address account) external view returns (address);

    /// @notice Current voting power of `account` for `id`: its balance unless it delegated away, plus the balances
    ///         of the accounts delegating to it.
    function getVotes(uint256 id, address account) external view returns (uint256);

    /// @notice Registers block `timepoint` (the current one or a future one, e.g. a proposal's vote start) as a
    ///         snapshot of `id`, so that `getPastVotes(id, *, timepoint)` can be read once the block is past. Only
    ///         the admin or the snapshotter of `id` may call it, since every snapshot makes later transfers archive
    ///         votes. Idempotent. Reverts for unknown ids.
    /// @param id Model id.
    /// @param timepoint Block to register, at least `clock()`.
    function registerSnapshot(uint256 id, uint48 timepoint) external;

    /// @notice Whether block `timepoint` is a registered snapshot of `id`.
    function isSnapshot(uint256 id, uint256 timepoint) external view returns (bool);

    /// @notice The latest registered snapshot of `id`, 0 if none.
    function latestSnapshot(uint256 id) external view returns (uint48);

    /// @notice Voting power of `account` for `id` at the end of block `timepoint`, which must be a registered
    ///         snapshot (`ModelSharesSnapshotNotRegistered` otherwise) before the current block
    ///         (`ModelSharesFutureLookup` otherwise).
    function getPastVotes(uint256 id, address account, uint256 timepoint) external view returns (uint256);

    /// @notice Total supply of `id` at the end of block `timepoint` (< current block): 0 before creation.
    function getPastTotalSupply(uint256 id, uint256 timepoint) external view returns (uint256);
}
