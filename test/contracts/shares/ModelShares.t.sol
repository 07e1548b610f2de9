// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Errors, IERC1155Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IERC1155} from "@openzeppelin/contracts/token/ERC1155/IERC1155.sol";
import {IERC1155MetadataURI} from "@openzeppelin/contracts/token/ERC1155/extensions/IERC1155MetadataURI.sol";
import {IERC2981} from "@openzeppelin/contracts/interfaces/IERC2981.sol";
import {BaseTest} from "../utils/BaseTest.sol";
import {ModelShares} from "../../../contracts/shares/ModelShares.sol";
import {IModelShares} from "../../../contracts/interfaces/IModelShares.sol";

contract ModelSharesTest is BaseTest {
    uint256 internal id;

    function setUp() public override {
        super.setUp();
        id = _createModel(creator, SUPPLY, 2_000);
    }

    // ------------------------------------------------------------ constructor

    function test_constructor_setsTokenAndName() public view {
        assertEq(address(shares.paymentToken()), address(usd));
        assertEq(shares.name(), "modeldao Model Shares");
        assertEq(shares.modelCount(), 1);
    }

    function test_constructor_revertsOnZeroToken() public {
        vm.expectRevert(IModelShares.ModelSharesInvalidPaymentToken.selector);
        new ModelShares(IERC20(address(0)), "x");
    }

    // ------------------------------------------------------------ createModel

    function test_createModel_mintsSupplyAndRecordsModel() public {
        vm.expectEmit(address(shares));
        emit IModelShares.ModelCreated(2, alice, "cid2", 77, 250, 1_234, 99);
        vm.prank(alice);
        uint256 id2 = shares.createModel("cid2", 77, 250, 1_234, 99);
        assertEq(id2, 2);
        assertEq(shares.balanceOf(alice, id2), 77);
        assertEq(shares.totalSupply(id2), 77);
        assertEq(shares.creatorOf(id2), alice);
        assertEq(shares.adminOf(id2), alice);
        assertEq(shares.feeShareBps(id2), 1_234);
        assertEq(shares.pricePerRequest(id2), 99);
        assertEq(shares.royaltyBps(id2), 250);
        assertEq(shares.manifestCid(id2), "cid2");
        assertEq(shares.uri(id2), "ipfs://cid2");
        (address receiver, uint256 royalty) = shares.royaltyInfo(id2, 10_000);
        assertEq(receiver, alice);
        assertEq(royalty, 250);
        assertEq(shares.getVotes(id2, alice), 77);
        assertEq(shares.delegates(id2, alice), alice);
    }

    function test_createModel_idsAreSequential() public {
        assertEq(_createModel(alice, 1, 0), 2);
        assertEq(_createModel(bob, 1, 0), 3);
        assertEq(shares.modelCount(), 3);
    }

    function test_createModel_revertsOnEmptyManifest() public {
        vm.expectRevert(IModelShares.ModelSharesEmptyManifest.selector);
        shares.createModel("", 1, 0, 0, 0);
    }

    function test_createModel_revertsOnZeroSupply() public {
        vm.expectRevert(
            abi.encodeWithSelector(IModelShares.ModelSharesInvalidSupply.selector, 0, shares.MAX_SUPPLY())
        );
        shares.createModel(CID, 0, 0, 0, 0);
    }

    function test_createModel_revertsOnSupplyAboveMax() public {
        uint256 max = shares.MAX_SUPPLY();
        vm.expectRevert(abi.encodeWithSelector(IModelShares.ModelSharesInvalidSupply.selector, max + 1, max));
        shares.createModel(CID, max + 1, 0, 0, 0);
    }

    function test_createModel_revertsOnRoyaltyAboveMax() public {
        uint96 max = shares.MAX_ROYALTY_BPS();
        vm.expectRevert(abi.encodeWithSelector(IModelShares.ModelSharesInvalidBps.selector, max + 1, max));
        shares.createModel(CID, 1, max + 1, 0, 0);
    }

    function test_createModel_revertsOnFeeShareAboveMax() public {
        vm.expectRevert(abi.encodeWithSelector(IModelShares.ModelSharesInvalidBps.selector, 10_001, 10_000));
        shares.createModel(CID, 1, 0, 10_001, 0);
    }

    function test_uri_revertsForUnknownModel() public {
        vm.expectRevert(abi.encodeWithSelector(IModelShares.ModelSharesUnknownModel.selector, 9));
        shares.uri(9);
    }

    function test_feeShareBps_revertsForUnknownModel() public {
        vm.expectRevert(abi.encodeWithSelector(IModelShares.ModelSharesUnknownModel.selector, 9));
        shares.feeShareBps(9);
    }

    // ----------------------------------------------------------------- admin

    function test_transferAdmin_isTwoStep() public {
        vm.expectEmit(address(shares));
        emit IModelShares.AdminTransferStarted(id, creator, alice);
        vm.prank(creator);
        shares.transferAdmin(id, alice);
        // Nothing changes until accepted.
        assertEq(shares.adminOf(id), creator);
        assertEq(shares.pendingAdminOf(id), alice);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IModelShares.ModelSharesNotPendingAdmin.selector, id, bob));
        shares.acceptAdmin(id);
        vm.expectEmit(address(shares));
        emit IModelShares.AdminChanged(id, creator, alice);
        vm.prank(alice);
        shares.acceptAdmin(id);
        assertEq(shares.adminOf(id), alice);
        assertEq(shares.pendingAdminOf(id), address(0));
        vm.prank(alice);
        shares.setPricePerRequest(id, 5);
        vm.prank(creator);
        vm.expectRevert(abi.encodeWithSelector(IModelShares.ModelSharesUnauthorized.selector, id, creator));
        shares.setPricePerRequest(id, 6);
    }

    function test_transferAdmin_offerCanBeWithdrawn() public {
        vm.startPrank(creator);
        shares.transferAdmin(id, alice);
        shares.transferAdmin(id, address(0));
        vm.stopPrank();
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IModelShares.ModelSharesNotPendingAdmin.selector, id, alice));
        shares.acceptAdmin(id);
        vm.prank(address(0));
        vm.expectRevert(abi.encodeWithSelector(IModelShares.ModelSharesNotPendingAdmin.selector, id, address(0)));
        shares.acceptAdmin(id);
    }

    function test_transferAdmin_revertsForNonAdmin() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IModelShares.ModelSharesUnauthorized.selector, id, alice));
        shares.transferAdmin(id, alice);
    }

    function test_transferAdmin_revertsForUnknownModel() public {
        vm.expectRevert(abi.encodeWithSelector(IModelShares.ModelSharesUnknownModel.selector, 5));
        shares.transferAdmin(5, alice);
    }

    function test_setManifest_changesTheCanonicalVersion() public {
        vm.expectEmit(address(shares));
        emit IModelShares.ManifestChanged(id, "bafy-v2");
        vm.prank(creator);
        shares.setManifest(id, "bafy-v2");
        assertEq(shares.manifestCid(id), "bafy-v2");
        assertEq(shares.uri(id), "ipfs://bafy-v2");
        vm.prank(creator);
        vm.expectRevert(IModelShares.ModelSharesEmptyManifest.selector);
        shares.setManifest(id, "");
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IModelShares.ModelSharesUnauthorized.selector, id, alice));
        shares.setManifest(id, "bafy-v3");
    }

    function test_scheduleFeeShare_takesEffectAfterDelayOnly() public {
        uint16 before = shares.feeShareBps(id);
        uint48 at = uint48(block.timestamp) + shares.FEE_SHARE_DELAY();
        vm.expectEmit(address(shares));
        emit IModelShares.FeeShareScheduled(id, before, before + 1_000, at);
        vm.prank(creator);
        assertEq(shares.scheduleFeeShare(id, before + 1_000), at);
        // Finding: the admin changed the split instantly, front-running settlements. Now nothing changes until `at`.
        assertEq(shares.feeShareBps(id), before);
        vm.warp(at - 1);
        assertEq(shares.feeShareBps(id), before);
        vm.warp(at);
        assertEq(shares.feeShareBps(id), before + 1_000);
        (uint16 effective, uint16 next, uint48 nextAt, uint16 previous, uint48 until) = shares.feeShareSchedule(id);
        assertEq(effective, before + 1_000);
        assertEq(next, before + 1_000);
        assertEq(nextAt, 0);
        assertEq(previous, before);
        assertEq(until, at + shares.FEE_SHARE_QUOTE_GRACE());
    }

    function testFuzz_scheduleFeeShare_boundedStep(uint16 target) public {
        uint16 current = shares.feeShareBps(id);
        target = uint16(bound(target, 0, 10_000));
        uint256 step = target > current ? target - current : current - target;
        uint16 maxStep = shares.MAX_FEE_SHARE_STEP_BPS();
        vm.prank(creator);
        if (step > maxStep) {
            // Finding: the admin could zero the holders' share (or take it all) in one move.
            vm.expectRevert(
                abi.encodeWithSelector(IModelShares.ModelSharesFeeShareStepTooLarge.selector, current, target, 1_000)
            );
        }
        shares.scheduleFeeShare(id, target);
    }

    function test_scheduleFeeShare_oneChangeAtATime() public {
        uint16 current = shares.feeShareBps(id);
        vm.startPrank(creator);
        uint48 at = shares.scheduleFeeShare(id, current - 500);
        uint256 until = uint256(at) + shares.FEE_SHARE_QUOTE_GRACE();
        vm.expectRevert(abi.encodeWithSelector(IModelShares.ModelSharesFeeShareChangePending.selector, id, until));
        shares.scheduleFeeShare(id, current - 1_000);
        vm.warp(until);
        shares.scheduleFeeShare(id, current - 1_500);
        vm.stopPrank();
        assertEq(shares.feeShareBps(id), current - 500);
    }

    function test_cancelFeeShare_restoresCurrent() public {
        uint16 current = shares.feeShareBps(id);
        vm.startPrank(creator);
        shares.scheduleFeeShare(id, current + 100);
        vm.expectEmit(address(shares));
        emit IModelShares.FeeShareCancelled(id);
        shares.cancelFeeShare(id);
        vm.expectRevert(abi.encodeWithSelector(IModelShares.ModelSharesNoFeeSharePending.selector, id));
        shares.cancelFeeShare(id);
        shares.scheduleFeeShare(id, current + 200);
        vm.stopPrank();
        vm.warp(block.timestamp + shares.FEE_SHARE_DELAY());
        assertEq(shares.feeShareBps(id), current + 200);
    }

    function test_feeShareFor_honoursPreviousQuoteDuringGrace() public {
        uint16 old = shares.feeShareBps(id);
        vm.prank(creator);
        uint48 at = shares.scheduleFeeShare(id, old + 1_000);
        assertEq(shares.feeShareFor(id, old + 1_000), old, "before the change only the current split applies");
        vm.warp(at);
        assertEq(shares.feeShareFor(id, old), old);
        assertEq(shares.feeShareFor(id, old + 1_000), old + 1_000);
        assertEq(shares.feeShareFor(id, 7), old + 1_000, "an arbitrary quote gets the split in effect");
        vm.warp(uint256(at) + shares.FEE_SHARE_QUOTE_GRACE());
        assertEq(shares.feeShareFor(id, old), old + 1_000);
    }

    function test_scheduleFeeShare_revertsAboveMax() public {
        vm.startPrank(creator);
        // Walk up to 10,000 one step at a time, then one more.
        uint16 bps = shares.feeShareBps(id);
        while (bps < 10_000) {
            bps = bps + 1_000 > 10_000 ? 10_000 : bps + 1_000;
            shares.scheduleFeeShare(id, bps);
            vm.warp(block.timestamp + shares.FEE_SHARE_DELAY() + shares.FEE_SHARE_QUOTE_GRACE());
        }
        vm.expectRevert(abi.encodeWithSelector(IModelShares.ModelSharesInvalidBps.selector, 10_001, 10_000));
        shares.scheduleFeeShare(id, 10_001);
        vm.stopPrank();
    }

    function test_scheduleFeeShare_revertsForNonAdmin() public {
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IModelShares.ModelSharesUnauthorized.selector, id, bob));
        shares.scheduleFeeShare(id, 1);
    }

    function test_depositFeesUpTo_stopsAtTheCap() public {
        uint256 cap = shares.MAX_CUMULATIVE_FEES();
        _depositFees(id, cap - 10);
        address funder = makeAddr("funder2");
        _fund(funder, 100);
        vm.startPrank(funder);
        usd.approve(address(shares), 100);
        assertEq(shares.depositFeesUpTo(id, 100), 10);
        assertEq(shares.depositFeesUpTo(id, 100), 0);
        vm.stopPrank();
        assertEq(usd.balanceOf(funder), 90);
        (uint256 total,) = shares.feePool(id);
        assertEq(total, cap);
    }

    function test_setPricePerRequest_updates() public {
        vm.expectEmit(address(shares));
        emit IModelShares.PriceChanged(id, 42);
        vm.prank(creator);
        shares.setPricePerRequest(id, 42);
        assertEq(shares.pricePerRequest(id), 42);
    }

    function test_setPricePerRequest_revertsForNonAdmin() public {
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IModelShares.ModelSharesUnauthorized.selector, id, bob));
        shares.setPricePerRequest(id, 1);
    }

    function test_setRoyaltyReceiver_keepsRate() public {
        vm.expectEmit(address(shares));
        emit IModelShares.RoyaltyReceiverChanged(id, bob);
        vm.prank(creator);
        shares.setRoyaltyReceiver(id, bob);
        (address receiver, uint256 amount) = shares.royaltyInfo(id, 1e6);
        assertEq(receiver, bob);
        assertEq(amount, 1e6 * 500 / 10_000);
    }

    function test_setRoyaltyReceiver_revertsOnZeroAddress() public {
        vm.prank(creator);
        vm.expectRevert(IModelShares.ModelSharesZeroAddress.selector);
        shares.setRoyaltyReceiver(id, address(0));
    }

    function test_setRoyaltyReceiver_revertsForNonAdmin() public {
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IModelShares.ModelSharesUnauthorized.selector, id, bob));
        shares.setRoyaltyReceiver(id, bob);
    }

    function test_supportsInterface_reportsAll() public view {
        assertTrue(shares.supportsInterface(type(IERC1155).interfaceId));
        assertTrue(shares.supportsInterface(type(IERC1155MetadataURI).interfaceId));
        assertTrue(shares.supportsInterface(type(IERC2981).interfaceId));
        assertTrue(shares.supportsInterface(type(IModelShares).interfaceId));
        assertFalse(shares.supportsInterface(0xdeadbeef));
    }

    // ------------------------------------------------------------------ fees

    function test_depositFees_accruesToHolders() public {
        _transfer(creator, alice, id, SUPPLY / 4);
        _fund(bob, 1_000e6);
        vm.startPrank(bob);
        usd.approve(address(shares), 1_000e6);
        vm.expectEmit(address(shares));
        emit IModelShares.FeesDeposited(id, bob, 1_000e6);
        shares.depositFees(id, 1_000e6);
        vm.stopPrank();
        assertEq(shares.claimable(id, creator), 750e6);
        assertEq(shares.claimable(id, alice), 250e6);
        assertEq(usd.balanceOf(address(shares)), 1_000e6);
        (uint256 total, uint256 carry) = shares.feePool(id);
        assertEq(total, 1_000e6);
        assertEq(carry, 0);
    }

    function test_depositFees_revertsOnZeroAmount() public {
        vm.expectRevert(IModelShares.ModelSharesZeroAmount.selector);
        shares.depositFees(id, 0);
    }

    function test_depositFees_revertsForUnknownModel() public {
        vm.expectRevert(abi.encodeWithSelector(IModelShares.ModelSharesUnknownModel.selector, 7));
        shares.depositFees(7, 1);
    }

    function test_depositFees_revertsAboveCumulativeCap() public {
        uint256 max = shares.MAX_CUMULATIVE_FEES();
        vm.expectRevert(abi.encodeWithSelector(IModelShares.ModelSharesFeeCapExceeded.selector, id, max + 1, max));
        shares.depositFees(id, max + 1);
    }

    function test_depositFees_revertsWithoutAllowance() public {
        _fund(bob, 10);
        vm.prank(bob);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, address(shares), 0, 10)
        );
        shares.depositFees(id, 10);
    }

    function test_depositFees_carriesRemainder() public {
        uint256 id3 = _createModel(alice, 3, 0);
        _depositFees(id3, 1);
        (, uint256 carry) = shares.feePool(id3);
        assertEq(carry, shares.MAGNITUDE() % 3);
        _depositFees(id3, 2);
        // 3 units over 3 shares: the carried remainder makes the total exact.
        assertEq(shares.claimable(id3, alice), 3);
    }

    function test_bounds_packedFieldsFit() public view {
        // carry < supply <= MAX_SUPPLY < MAGNITUDE keeps the carry below one base unit (dust bound);
        // every magnified quantity is <= MAX_CUMULATIVE_FEES * MAGNITUDE, which must fit the int200 correction.
        assertLt(shares.MAX_SUPPLY(), shares.MAGNITUDE());
        assertLt(shares.MAX_CUMULATIVE_FEES() * shares.MAGNITUDE(), 2 ** 199);
    }

    function test_extremes_maxSupplyAndMaxFees() public {
        uint256 max = shares.MAX_SUPPLY();
        uint256 fees = shares.MAX_CUMULATIVE_FEES();
        uint256 m = _createModel(bob, max, 0);
        _depositFees(m, fees / 3);
        _transfer(bob, alice, m, max / 2);
        _depositFees(m, fees - fees / 3);
        uint256 b = shares.claimable(m, bob);
        uint256 a = shares.claimable(m, alice);
        assertLe(a + b, fees);
        assertLe(fees - (a + b), 2, "dust < 1 + holders");
        // Moving shares back and forth at the extreme never changes claimable.
        _transfer(alice, bob, m, max / 2);
        _transfer(bob, carol, m, max);
        assertEq(shares.claimable(m, bob), b);
        assertEq(shares.claimable(m, alice), a);
        assertEq(shares.claimable(m, carol), 0);
        vm.prank(bob);
        assertEq(shares.claim(m), b);
    }

    function test_claim_paysAndZeroesClaimable() public {
        _depositFees(id, 500e6);
        vm.expectEmit(address(shares));
        emit IModelShares.FeesClaimed(id, creator, 500e6);
        vm.prank(creator);
        assertEq(shares.claim(id), 500e6);
        assertEq(usd.balanceOf(creator), 500e6);
        assertEq(shares.claimable(id, creator), 0);
        assertEq(shares.claimed(id, creator), 500e6);
        vm.prank(creator);
        assertEq(shares.claim(id), 0);
    }

    function test_claim_returnsZeroWithoutFees() public {
        vm.prank(alice);
        assertEq(shares.claim(id), 0);
        assertEq(usd.balanceOf(alice), 0);
    }

    function test_claimMany_paysAllIdsOnce() public {
        uint256 id2 = _createModel(creator, 10, 0);
        _depositFees(id, 100);
        _depositFees(id2, 50);
        uint256[] memory ids = new uint256[](3);
        ids[0] = id;
        ids[1] = id2;
        ids[2] = id;
        uint256 expected = shares.claimable(id, creator) + shares.claimable(id2, creator);
        assertApproxEqAbs(expected, 150, 1, "dust below one unit per holder");
        vm.prank(creator);
        assertEq(shares.claimMany(ids), expected);
        assertEq(usd.balanceOf(creator), expected);
        assertEq(shares.claimable(id, creator) + shares.claimable(id2, creator), 0);
    }

    function test_claimMany_returnsZeroWhenNothing() public {
        uint256[] memory ids = new uint256[](1);
        ids[0] = id;
        vm.prank(alice);
        assertEq(shares.claimMany(ids), 0);
    }

    function test_transfer_doesNotMoveEarnedFees() public {
        _depositFees(id, 1_000e6);
        _transfer(creator, alice, id, SUPPLY / 2);
        assertEq(shares.claimable(id, creator), 1_000e6);
        assertEq(shares.claimable(id, alice), 0);
        _depositFees(id, 1_000e6);
        assertEq(shares.claimable(id, creator), 1_500e6);
        assertEq(shares.claimable(id, alice), 500e6);
    }

    function test_batchTransfer_updatesFeesAndVotes() public {
        uint256 id2 = _createModel(creator, 100, 0);
        _depositFees(id, 1_000);
        _depositFees(id2, 1_000);
        uint256[] memory ids = new uint256[](2);
        ids[0] = id;
        ids[1] = id2;
        uint256[] memory values = new uint256[](2);
        values[0] = SUPPLY / 2;
        values[1] = 50;
        vm.prank(creator);
        shares.safeBatchTransferFrom(creator, alice, ids, values, "");
        assertEq(shares.claimable(id, alice), 0);
        assertEq(shares.claimable(id2, alice), 0);
        assertEq(shares.claimable(id2, creator), 1_000);
        assertEq(shares.getVotes(id2, alice), 50);
        assertEq(shares.getVotes(id, creator), SUPPLY / 2);
    }

    function test_selfTransfer_changesNothing() public {
        _depositFees(id, 1_000);
        uint256 before = shares.claimable(id, creator);
        _transfer(creator, creator, id, 10);
        assertEq(shares.claimable(id, creator), before);
        assertEq(shares.getVotes(id, creator), SUPPLY);
    }

    // ----------------------------------------------------------------- votes

    function test_clock_isBlockNumber() public {
        vm.roll(1234);
        assertEq(shares.clock(), 1234);
        assertEq(shares.CLOCK_MODE(), "mode=blocknumber&from=default");
    }

    function test_delegates_defaultsToSelf() public view {
        assertEq(shares.delegates(id, alice), alice);
        assertEq(shares.getVotes(id, creator), SUPPLY);
    }

    function test_delegate_movesVotes() public {
        vm.expectEmit(address(shares));
        emit IModelShares.DelegateChanged(id, creator, creator, bob);
        vm.expectEmit(address(shares));
        emit IModelShares.DelegateVotesChanged(id, creator, SUPPLY, 0);
        vm.expectEmit(address(shares));
        emit IModelShares.DelegateVotesChanged(id, bob, 0, SUPPLY);
        vm.prank(creator);
        shares.delegate(id, bob);
        assertEq(shares.delegates(id, creator), bob);
        assertEq(shares.getVotes(id, bob), SUPPLY);
        assertEq(shares.getVotes(id, creator), 0);
        // Shares leaving a delegating holder leave its delegate.
        _transfer(creator, alice, id, 100);
        assertEq(shares.getVotes(id, bob), SUPPLY - 100);
        assertEq(shares.getVotes(id, alice), 100);
    }

    function test_delegate_zeroRestoresSelf() public {
        vm.startPrank(creator);
        shares.delegate(id, bob);
        shares.delegate(id, address(0));
        vm.stopPrank();
        assertEq(shares.delegates(id, creator), creator);
        assertEq(shares.getVotes(id, creator), SUPPLY);
        assertEq(shares.getVotes(id, bob), 0);
    }

    function test_delegate_revertsForUnknownModel() public {
        vm.expectRevert(abi.encodeWithSelector(IModelShares.ModelSharesUnknownModel.selector, 4));
        shares.delegate(4, bob);
    }

    function test_getPastVotes_readsHistory() public {
        uint256 b0 = block.number;
        vm.roll(b0 + 5);
        _snapshot(id);
        vm.roll(b0 + 10);
        _transfer(creator, alice, id, 300);
        _snapshot(id);
        vm.roll(b0 + 19);
        _snapshot(id);
        vm.roll(b0 + 20);
        assertEq(shares.getPastVotes(id, creator, b0 + 5), SUPPLY);
        assertEq(shares.getPastVotes(id, creator, b0 + 10), SUPPLY - 300);
        assertEq(shares.getPastVotes(id, alice, b0 + 5), 0);
        assertEq(shares.getPastVotes(id, alice, b0 + 19), 300);
    }

    function test_registerSnapshot_registersOnce() public {
        vm.roll(100);
        vm.expectEmit(address(shares));
        emit IModelShares.SnapshotRegistered(id, 100);
        _snapshot(id);
        vm.recordLogs();
        _snapshot(id);
        assertEq(vm.getRecordedLogs().length, 0, "idempotent");
        assertTrue(shares.isSnapshot(id, 100));
        assertFalse(shares.isSnapshot(id, 99));
        assertEq(shares.latestSnapshot(id), 100);
        vm.roll(105);
        _snapshot(id);
        assertEq(shares.latestSnapshot(id), 105);
        assertTrue(shares.isSnapshot(id, 100));
    }

    function test_registerSnapshot_revertsForUnknownModel() public {
        vm.expectRevert(abi.encodeWithSelector(IModelShares.ModelSharesUnknownModel.selector, 9));
        shares.registerSnapshot(9, uint48(block.number));
    }

    /// Finding: anyone could register a snapshot every block and make every transfer of a model archive votes
    /// (40k -> 126k gas). Only the admin or the snapshotter (the model's governor) may register now.
    function test_finding_strangerCannotRegisterSnapshot() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IModelShares.ModelSharesUnauthorizedSnapshot.selector, id, alice));
        shares.registerSnapshot(id, uint48(block.number));
        // The snapshotter may, once the admin names it; and only for the model it was named for.
        uint256 other = _createModel(creator, SUPPLY, 0);
        vm.prank(creator);
        shares.setSnapshotter(id, alice);
        assertEq(shares.snapshotterOf(id), alice);
        vm.prank(alice);
        shares.registerSnapshot(id, uint48(block.number));
        assertTrue(shares.isSnapshot(id, block.number));
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IModelShares.ModelSharesUnauthorizedSnapshot.selector, other, alice));
        shares.registerSnapshot(other, uint48(block.number));
    }

    function test_registerSnapshot_revertsForPastBlock() public {
        vm.roll(50);
        vm.prank(creator);
        vm.expectRevert(abi.encodeWithSelector(IModelShares.ModelSharesPastSnapshot.selector, 49, uint48(50)));
        shares.registerSnapshot(id, 49);
    }

    /// Finding: a snapshot could only be the current block, while a governor with a voting delay votes at a future
    /// block. A future snapshot registered now sees the balances at the end of its block.
    function test_finding_futureSnapshotSeesItsOwnBlock() public {
        vm.roll(100);
        vm.prank(creator);
        shares.registerSnapshot(id, 110);
        assertEq(shares.latestSnapshot(id), 110);
        vm.roll(105);
        _transfer(creator, alice, id, 100); // before the snapshot: counts
        vm.roll(110);
        _transfer(creator, alice, id, 10); // in the snapshot block: counts
        vm.roll(111);
        _transfer(alice, bob, id, 60); // bought after the snapshot: does not count
        _transfer(creator, bob, id, 5);
        vm.roll(112);
        assertEq(shares.getPastVotes(id, alice, 110), 110);
        assertEq(shares.getPastVotes(id, bob, 110), 0);
        assertEq(shares.getPastVotes(id, creator, 110), SUPPLY - 110);
    }

    function test_registerSnapshot_keepsEarlierPendingSnapshotsInOrder() public {
        // A governor whose voting delay was shortened registers an earlier block after a later one.
        vm.roll(100);
        vm.startPrank(creator);
        shares.registerSnapshot(id, 130);
        shares.registerSnapshot(id, 120);
        shares.registerSnapshot(id, 110);
        vm.stopPrank();
        assertEq(shares.latestSnapshot(id), 130);
        vm.roll(105);
        _transfer(creator, alice, id, 1);
        vm.roll(115);
        _transfer(creator, alice, id, 2);
        vm.roll(125);
        _transfer(creator, alice, id, 4);
        vm.roll(135);
        _transfer(creator, alice, id, 8);
        vm.roll(136);
        assertEq(shares.getPastVotes(id, alice, 110), 1);
        assertEq(shares.getPastVotes(id, alice, 120), 3);
        assertEq(shares.getPastVotes(id, alice, 130), 7);
        assertEq(shares.getVotes(id, alice), 15);
    }

    /// @dev Gas of one transfer creator -> alice of `modelId`, as the first call of a transaction would see it.
    function _transferGas(uint256 modelId) internal returns (uint256 used) {
        vm.cool(address(shares));
        vm.cool(creator);
        vm.cool(alice);
        vm.prank(creator);
        uint256 start = gasleft();
        shares.safeTransferFrom(creator, alice, modelId, 1, "");
        used = start - gasleft();
    }

    /// Finding: every transfer walked back over all pending future snapshots (~1,005 gas each). A holder above the
    /// proposal threshold proposing every block kept as many pending as the voting delay: 2.05M gas per transfer at
    /// a 2,000-block delay, ~50.7M at a week (over the block gas limit: the shares froze). The lookup now starts at a
    /// due marker: with 1,000 pending snapshots a transfer stays within 1.2x a plain one (it was ~1M gas).
    function test_finding_transferGasBoundedWithPendingSnapshots() public {
        uint256 plain = _createModel(creator, SUPPLY, 0);
        vm.roll(100);
        _transfer(creator, alice, id, 1);
        _transfer(creator, alice, plain, 1);
        // One proposal a block, each registering its snapshot 2,000 blocks ahead, as a governor does.
        for (uint256 i = 1; i <= 1_000; ++i) {
            vm.roll(100 + i);
            vm.prank(creator);
            shares.registerSnapshot(id, uint48(block.number + 2_000));
        }
        vm.roll(block.number + 1);
        uint256 base = _transferGas(plain);
        uint256 pending = _transferGas(id);
        emit log_named_uint("plain transfer", base);
        emit log_named_uint("transfer with 1,000 pending snapshots", pending);
        assertLe(pending * 100, base * 120, "within 1.2x a plain transfer");

        // 600 of them fall due with no registration in between: the first transfer searches (O(log n) reads) and
        // moves the marker; it also archives both holders' votes, as would a transfer after a single snapshot.
        vm.roll(2_101 + 600);
        (uint256 archiving, uint256 search) = _archivingTransfersGas(plain);
        emit log_named_uint("plain transfer archiving for one snapshot", archiving);
        emit log_named_uint("transfer after 600 fell due (search)", search);
        assertLe(search, archiving + 60_000, "bounded search: ~20 reads, once");
        // The next block, one more fell due: a transfer archives again, but looks up in a read or two.
        (archiving, search) = _archivingTransfersGas(plain);
        emit log_named_uint("next transfer (archives too)", search);
        assertLe(search * 100, archiving * 120, "marker moved: a read or two again");
    }

    /// @dev Registers the current block as a snapshot of `plain`, moves to the next block, and measures a transfer of
    ///      `plain` (it archives for that snapshot) then one of `id`.
    function _archivingTransfersGas(uint256 plain) internal returns (uint256 archiving, uint256 measured) {
        vm.prank(creator);
        shares.registerSnapshot(plain, uint48(block.number));
        vm.roll(block.number + 1);
        archiving = _transferGas(plain);
        measured = _transferGas(id);
    }

    /// With many pending snapshots, the due one is found wherever the clock is, and votes are archived for it.
    function testFuzz_snapshotLookup_findsTheDueSnapshotAmongPending(uint256 first, uint256 second) public {
        vm.roll(100);
        vm.startPrank(creator);
        for (uint256 t = 110; t <= 5_100; t += 10) {
            shares.registerSnapshot(id, uint48(t));
        }
        vm.stopPrank();
        // Two transfers at random blocks, the second at least one snapshot later.
        first = bound(first, 101, 4_000);
        second = bound(second, first + 10, 5_095);
        vm.roll(first);
        _transfer(creator, alice, id, 1);
        vm.roll(second);
        _transfer(creator, alice, id, 2);
        vm.roll(5_200);
        // Snapshots before the first transfer: 0; between: 1; from the second on: 3.
        for (uint256 t = 110; t <= 5_100; t += 10) {
            uint256 expected = t < first ? 0 : t < second ? 1 : 3;
            assertEq(shares.getPastVotes(id, alice, t), expected, "alice at a snapshot");
            assertEq(shares.getPastVotes(id, creator, t), SUPPLY - expected, "creator at a snapshot");
        }
    }

    function test_getPastVotes_revertsForUnregisteredTimepoint() public {
        uint256 b0 = block.number;
        vm.roll(b0 + 3);
        vm.expectRevert(
            abi.encodeWithSelector(IModelShares.ModelSharesSnapshotNotRegistered.selector, id, b0 + 1)
        );
        shares.getPastVotes(id, creator, b0 + 1);
    }

    function test_getPastVotes_currentBlockSnapshotIsFutureLookup() public {
        _snapshot(id);
        vm.expectRevert(
            abi.encodeWithSelector(IModelShares.ModelSharesFutureLookup.selector, block.number, uint48(block.number))
        );
        shares.getPastVotes(id, creator, block.number);
        vm.roll(block.number + 1);
        assertEq(shares.getPastVotes(id, creator, block.number - 1), SUPPLY);
    }

    function test_getPastVotes_snapshotSeesEndOfBlock() public {
        // Changes in the snapshot block itself, before and after registering, are part of the snapshot.
        vm.roll(10);
        _transfer(creator, alice, id, 100);
        _snapshot(id);
        _transfer(creator, alice, id, 50);
        vm.roll(11);
        _transfer(alice, bob, id, 20);
        vm.roll(12);
        assertEq(shares.getPastVotes(id, alice, 10), 150);
        assertEq(shares.getPastVotes(id, creator, 10), SUPPLY - 150);
        assertEq(shares.getPastVotes(id, bob, 10), 0);
        assertEq(shares.getVotes(id, alice), 130);
    }

    function test_getPastVotes_archivesWhenSnapshotRegisteredInSameBlockAsChange() public {
        // A snapshot at the current block must not hide an older one: the archive uses the one before it.
        vm.roll(10);
        _transfer(creator, alice, id, 100);
        vm.roll(20);
        _snapshot(id);
        vm.roll(30);
        _snapshot(id);
        _transfer(alice, bob, id, 40);
        vm.roll(31);
        assertEq(shares.getPastVotes(id, alice, 20), 100);
        assertEq(shares.getPastVotes(id, alice, 30), 60);
        assertEq(shares.getPastVotes(id, bob, 20), 0);
        assertEq(shares.getPastVotes(id, bob, 30), 40);
    }

    function test_getPastVotes_delegationIsArchived() public {
        vm.roll(10);
        _transfer(creator, alice, id, 100);
        _snapshot(id);
        vm.roll(11);
        vm.prank(alice);
        shares.delegate(id, bob);
        vm.roll(12);
        _snapshot(id);
        vm.roll(13);
        _transfer(creator, alice, id, 5);
        vm.prank(alice);
        shares.delegate(id, carol);
        vm.roll(14);
        assertEq(shares.getPastVotes(id, alice, 10), 100);
        assertEq(shares.getPastVotes(id, bob, 10), 0);
        assertEq(shares.getPastVotes(id, alice, 12), 0);
        assertEq(shares.getPastVotes(id, bob, 12), 100);
        assertEq(shares.getPastVotes(id, carol, 12), 0);
        assertEq(shares.getVotes(id, carol), 105);
        assertEq(shares.getVotes(id, bob), 0);
    }

    function test_getPastVotes_revertsForFutureLookup() public {
        vm.expectRevert(
            abi.encodeWithSelector(IModelShares.ModelSharesFutureLookup.selector, block.number, uint48(block.number))
        );
        shares.getPastVotes(id, creator, block.number);
    }

    function test_getPastTotalSupply_isSupplyFromCreation() public {
        uint256 created = block.number;
        vm.roll(created + 5);
        assertEq(shares.getPastTotalSupply(id, created), SUPPLY);
        assertEq(shares.getPastTotalSupply(id, created - 1), 0);
        assertEq(shares.getPastTotalSupply(99, created), 0);
    }

    function test_getPastTotalSupply_revertsForFutureLookup() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IModelShares.ModelSharesFutureLookup.selector, block.number + 1, uint48(block.number)
            )
        );
        shares.getPastTotalSupply(id, block.number + 1);
    }

    function test_transfer_revertsWithoutApproval() public {
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IERC1155Errors.ERC1155MissingApprovalForAll.selector, alice, creator)
        );
        shares.safeTransferFrom(creator, alice, id, 1, "");
    }

    // ------------------------------------------------------------------ fuzz

    function testFuzz_depositFees_splitsProRata(uint256 amount, uint256 toAlice, uint256 supply) public {
        supply = bound(supply, 1, shares.MAX_SUPPLY());
        amount = bound(amount, 1, shares.MAX_CUMULATIVE_FEES());
        toAlice = bound(toAlice, 0, supply);
        uint256 m = _createModel(creator, supply, 0);
        _transfer(creator, alice, m, toAlice);
        _depositFees(m, amount);
        uint256 a = shares.claimable(m, alice);
        uint256 c = shares.claimable(m, creator);
        assertLe(a + c, amount, "never more than deposited");
        assertLe(amount - (a + c), 2, "dust < 1 + holders");
        assertApproxEqAbs(a, amount * toAlice / supply, 1);
    }

    function testFuzz_transfer_keepsClaimable(uint256 fee1, uint256 fee2, uint256 moved, uint256 moved2) public {
        fee1 = bound(fee1, 1, 1e24);
        fee2 = bound(fee2, 1, 1e24);
        moved = bound(moved, 0, SUPPLY);
        _depositFees(id, fee1);
        uint256 before = shares.claimable(id, creator);
        _transfer(creator, alice, id, moved);
        assertEq(shares.claimable(id, creator), before);
        assertEq(shares.claimable(id, alice), 0);
        _depositFees(id, fee2);
        moved2 = bound(moved2, 0, moved);
        uint256 aBefore = shares.claimable(id, alice);
        uint256 cBefore = shares.claimable(id, creator);
        _transfer(alice, bob, id, moved2);
        assertEq(shares.claimable(id, alice), aBefore);
        assertEq(shares.claimable(id, creator), cBefore);
        assertEq(shares.claimable(id, bob), 0);
        // Claim everything: totals match deposits up to the dust bound (3 holders).
        vm.prank(creator);
        uint256 c = shares.claim(id);
        vm.prank(alice);
        uint256 a = shares.claim(id);
        assertLe(c + a, fee1 + fee2);
        assertLe(fee1 + fee2 - (c + a), 3);
    }

    function testFuzz_claim_manyDepositsExactForDivisibleSupply(uint8 n, uint256 amount) public {
        n = uint8(bound(n, 1, 20));
        amount = bound(amount, 1, 1e12);
        uint256 m = _createModel(creator, 7, 0);
        _transfer(creator, alice, m, 3);
        for (uint256 i; i < n; ++i) {
            _depositFees(m, amount);
        }
        uint256 total = uint256(n) * amount;
        uint256 a = shares.claimable(m, alice);
        uint256 c = shares.claimable(m, creator);
        assertLe(a + c, total);
        assertLe(total - (a + c), 2);
        (, uint256 carry) = shares.feePool(m);
        assertLt(carry, 7);
    }

    function testFuzz_delegate_votesFollowBalances(uint256 moved, address delegatee) public {
        vm.assume(delegatee != address(0));
        moved = bound(moved, 0, SUPPLY);
        vm.prank(alice);
        shares.delegate(id, delegatee);
        _transfer(creator, alice, id, moved);
        assertEq(shares.getVotes(id, delegatee), delegatee == creator ? SUPPLY : moved);
        if (delegatee != creator) assertEq(shares.getVotes(id, creator), SUPPLY - moved);
    }

    function testFuzz_claimMany_equalsSumOfClaims(uint256 f1, uint256 f2, uint256 moved) public {
        f1 = bound(f1, 1, 1e24);
        f2 = bound(f2, 1, 1e24);
        uint256 id2 = _createModel(creator, 333, 0);
        moved = bound(moved, 0, 333);
        _transfer(creator, alice, id2, moved);
        _depositFees(id, f1);
        _depositFees(id2, f2);
        uint256 expected = shares.claimable(id, creator) + shares.claimable(id2, creator);
        uint256[] memory ids = new uint256[](2);
        ids[0] = id;
        ids[1] = id2;
        vm.prank(creator);
        assertEq(shares.claimMany(ids), expected);
        assertEq(usd.balanceOf(creator), expected);
        assertLe(expected + shares.claimable(id2, alice), f1 + f2);
    }

    // ------------------------------------------------------- archiving fuzz

    struct Ghost {
        uint256 id;
        address account;
        uint256 blockNumber;
        uint256 votes;
    }

    Ghost[] internal _ghosts;

    /// @dev Votes as they should be, from balances and delegates alone (all holders are among `actors`).
    function _expectedVotes(uint256 m, address d, address[4] memory actors) internal view returns (uint256 v) {
        for (uint256 k; k < 4; ++k) {
            if (shares.delegates(m, actors[k]) == d) v += shares.balanceOf(actors[k], m);
        }
    }

    /// @dev Random transfers (single and batch with a repeated id), delegations and snapshot registrations over
    ///      several blocks; at the end of every registered block the expected votes are recorded, and afterwards
    ///      `getPastVotes` must return exactly them at every registered snapshot.
    function testFuzz_getPastVotes_matchesGhostAtRegisteredSnapshots(uint256 seed) public {
        address[4] memory actors = [creator, alice, bob, carol];
        uint256[2] memory models = [id, _createModel(creator, 7_919, 0)];
        _depositFees(id, 1_000);
        for (uint256 step; step < 48; ++step) {
            uint256 r = uint256(keccak256(abi.encode(seed, step)));
            uint256 m = models[(r >> 8) % 2];
            address a = actors[(r >> 16) % 4];
            address b = actors[(r >> 24) % 4];
            uint256 op = r % 8;
            if (op <= 2) {
                _transfer(a, b, m, (r >> 32) % (shares.balanceOf(a, m) + 1));
            } else if (op == 3) {
                uint256 half = shares.balanceOf(a, m) / 2;
                uint256[] memory ids = new uint256[](3);
                uint256[] memory values = new uint256[](3);
                (ids[0], ids[1], ids[2]) = (m, models[0] == m ? models[1] : models[0], m);
                (values[0], values[1], values[2]) = ((r >> 32) % (half + 1), 0, (r >> 64) % (half + 1));
                vm.prank(a);
                shares.safeBatchTransferFrom(a, b, ids, values, "");
            } else if (op == 4) {
                vm.prank(a);
                shares.delegate(m, (r >> 32) % 5 == 0 ? address(0) : b);
            } else if (op == 5) {
                _snapshot(m);
            } else {
                _recordAndRoll(models, actors, 1 + (r >> 32) % 3);
            }
        }
        _recordAndRoll(models, actors, 1);
        for (uint256 g; g < _ghosts.length; ++g) {
            Ghost memory gh = _ghosts[g];
            assertEq(shares.getPastVotes(gh.id, gh.account, gh.blockNumber), gh.votes, "past votes");
        }
        for (uint256 k; k < 4; ++k) {
            for (uint256 j; j < 2; ++j) {
                assertEq(shares.getVotes(models[j], actors[k]), _expectedVotes(models[j], actors[k], actors));
            }
        }
    }

    function _recordAndRoll(uint256[2] memory models, address[4] memory actors, uint256 blocks) internal {
        for (uint256 j; j < 2; ++j) {
            if (!shares.isSnapshot(models[j], block.number)) continue;
            for (uint256 k; k < 4; ++k) {
                _ghosts.push(
                    Ghost(models[j], actors[k], block.number, _expectedVotes(models[j], actors[k], actors))
                );
            }
        }
        vm.roll(block.number + blocks);
    }
}
