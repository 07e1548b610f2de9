// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC1155Errors, IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IERC1155Receiver} from "@openzeppelin/contracts/token/ERC1155/IERC1155Receiver.sol";
import {BaseTest} from "../utils/BaseTest.sol";
import {ModelShares} from "../../../contracts/shares/ModelShares.sol";
import {ShareOffering} from "../../../contracts/shares/ShareOffering.sol";
import {IShareOffering} from "../../../contracts/interfaces/IShareOffering.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {TestUSD} from "../../../contracts/mocks/TestUSD.sol";

contract ShareOfferingTest is BaseTest {
    ShareOffering internal offering;
    uint256 internal id;
    uint256 internal constant PRICE = 2e6;

    function setUp() public override {
        super.setUp();
        offering = new ShareOffering(shares);
        id = _createModel(creator, SUPPLY, 2_000);
        vm.prank(creator);
        shares.setApprovalForAll(address(offering), true);
    }

    function _create(uint256 amount, uint48 start, uint48 end) internal returns (uint256) {
        vm.prank(creator);
        return offering.createOffering(id, amount, PRICE, usd, start, end);
    }

    function _buy(address buyer, uint256 offeringId, uint256 amount) internal {
        _approveBuyer(buyer, amount * PRICE);
        vm.prank(buyer);
        offering.buy(offeringId, amount, amount * PRICE);
    }

    function _approveBuyer(address buyer, uint256 cost) internal {
        _fund(buyer, cost);
        vm.prank(buyer);
        usd.approve(address(offering), cost);
    }

    // ------------------------------------------------------------- constructor

    function test_constructor_wiresShares() public view {
        assertEq(address(offering.shares()), address(shares));
        assertEq(address(offering.feeToken()), address(usd));
        assertTrue(offering.supportsInterface(type(IERC1155Receiver).interfaceId));
    }

    function test_constructor_revertsOnZero() public {
        vm.expectRevert(IShareOffering.ShareOfferingZeroAddress.selector);
        new ShareOffering(ModelShares(address(0)));
    }

    // ---------------------------------------------------------- createOffering

    function test_createOffering_escrowsShares() public {
        vm.expectEmit(address(offering));
        emit IShareOffering.OfferingCreated(1, id, creator, usd, 1_000, PRICE, 0, 0);
        uint256 oid = _create(1_000, 0, 0);
        assertEq(oid, 1);
        assertEq(offering.offeringCount(), 1);
        assertEq(offering.escrowed(id), 1_000);
        assertEq(shares.balanceOf(address(offering), id), 1_000);
        IShareOffering.Offering memory o = offering.getOffering(oid);
        assertEq(o.seller, creator);
        assertEq(o.remaining, 1_000);
        assertEq(o.pricePerShare, PRICE);
        assertEq(o.modelId, id);
        assertEq(address(o.paymentToken), address(usd));
        assertFalse(o.cancelled);
    }

    function test_createOffering_revertsOnZeroAmount() public {
        vm.expectRevert(IShareOffering.ShareOfferingZeroAmount.selector);
        _create(0, 0, 0);
    }

    function test_createOffering_revertsOnHugeAmount() public {
        uint256 huge = uint256(type(uint128).max) + 1;
        vm.prank(creator);
        vm.expectRevert(abi.encodeWithSelector(IShareOffering.ShareOfferingAmountTooLarge.selector, huge));
        offering.createOffering(id, huge, PRICE, usd, 0, 0);
    }

    function test_createOffering_revertsOnZeroPrice() public {
        vm.prank(creator);
        vm.expectRevert(abi.encodeWithSelector(IShareOffering.ShareOfferingInvalidPrice.selector, 0));
        offering.createOffering(id, 1, 0, usd, 0, 0);
    }

    function test_createOffering_revertsOnHugePrice() public {
        uint256 huge = uint256(type(uint128).max) + 1;
        vm.prank(creator);
        vm.expectRevert(abi.encodeWithSelector(IShareOffering.ShareOfferingInvalidPrice.selector, huge));
        offering.createOffering(id, 1, huge, usd, 0, 0);
    }

    function test_createOffering_revertsOnEndBeforeStart() public {
        uint48 t = uint48(block.timestamp);
        vm.expectRevert(abi.encodeWithSelector(IShareOffering.ShareOfferingInvalidWindow.selector, t + 10, t + 10));
        _create(1, t + 10, t + 10);
    }

    function test_createOffering_revertsOnEndInPast() public {
        vm.warp(1_000);
        vm.expectRevert(abi.encodeWithSelector(IShareOffering.ShareOfferingInvalidWindow.selector, 0, 1_000));
        _create(1, 0, 1_000);
    }

    function test_createOffering_revertsOnZeroPaymentToken() public {
        vm.prank(creator);
        vm.expectRevert(abi.encodeWithSelector(IShareOffering.ShareOfferingInvalidPaymentToken.selector, address(0)));
        offering.createOffering(id, 1, PRICE, IERC20(address(0)), 0, 0);
    }

    /// The squatting attack on the old one-slot design: a holder of one share opens a never-ending offering that
    /// starts in the far future. The model's market stays open to everyone else.
    function test_createOffering_squattingIsImpossible() public {
        _transfer(creator, alice, id, 1);
        vm.startPrank(alice);
        shares.setApprovalForAll(address(offering), true);
        uint256 squat = offering.createOffering(id, 1, 1, usd, type(uint48).max - 1, 0);
        vm.stopPrank();
        uint256 oid = _create(1_000, 0, 0);
        assertEq(oid, squat + 1);
        _buy(bob, oid, 10);
        assertEq(shares.balanceOf(bob, id), 10);
        assertEq(offering.escrowed(id), 991);
        // The squatter can only take its own share back.
        vm.prank(creator);
        vm.expectRevert(abi.encodeWithSelector(IShareOffering.ShareOfferingUnauthorized.selector, squat, creator));
        offering.cancel(squat);
        vm.prank(alice);
        offering.cancel(squat);
        assertEq(shares.balanceOf(alice, id), 1);
    }

    function test_createOffering_manyOffersBySeveralSellers() public {
        _transfer(creator, alice, id, 500);
        vm.startPrank(alice);
        shares.setApprovalForAll(address(offering), true);
        uint256 a = offering.createOffering(id, 200, PRICE + 1, usd, 0, 0);
        vm.stopPrank();
        uint256 c1 = _create(100, 0, 0);
        uint256 c2 = _create(300, 0, uint48(block.timestamp + 1 days));
        assertEq(offering.escrowed(id), 600);
        assertEq(shares.balanceOf(address(offering), id), 600);
        _buy(bob, c1, 100);
        assertEq(offering.getOffering(c2).remaining, 300);
        assertEq(offering.getOffering(a).seller, alice);
        assertEq(offering.escrowed(id), 500);
    }

    function test_createOffering_revertsWithoutApproval() public {
        _transfer(creator, alice, id, 10);
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IERC1155Errors.ERC1155MissingApprovalForAll.selector, address(offering), alice)
        );
        offering.createOffering(id, 10, PRICE, usd, 0, 0);
    }

    // --------------------------------------------------------------------- buy

    function test_buy_paysSellerAndDeliversShares() public {
        uint256 oid = _create(1_000, 0, 0);
        _approveBuyer(alice, 300 * PRICE);
        vm.expectEmit(address(offering));
        // The creator is the royalty receiver: a primary sale pays no royalty.
        emit IShareOffering.SharesBought(oid, alice, 300, 300 * PRICE, creator, 0);
        vm.prank(alice);
        offering.buy(oid, 300, 300 * PRICE);
        assertEq(shares.balanceOf(alice, id), 300);
        assertEq(usd.balanceOf(creator), 300 * PRICE);
        assertEq(offering.getOffering(oid).remaining, 700);
        assertEq(offering.escrowed(id), 700);
        assertEq(shares.getVotes(id, alice), 300);
    }

    function test_buy_soldOutClosesOffering() public {
        uint256 oid = _create(100, 0, 0);
        _buy(alice, oid, 100);
        assertEq(offering.escrowed(id), 0);
        vm.expectRevert(abi.encodeWithSelector(IShareOffering.ShareOfferingNotActive.selector, oid));
        offering.buy(oid, 1, type(uint256).max);
    }

    /// A holder's resale pays the model's ERC-2981 royalty (5% here) to its receiver, the rest to the seller.
    function test_buy_resalePaysRoyaltyToReceiver() public {
        _transfer(creator, alice, id, 1_000);
        uint256 price = 3e6;
        vm.startPrank(alice);
        shares.setApprovalForAll(address(offering), true);
        uint256 oid = offering.createOffering(id, 400, price, usd, 0, 0);
        vm.stopPrank();
        uint256 cost = 400 * price;
        (address receiver, uint256 royalty) = shares.royaltyInfo(id, cost);
        assertEq(receiver, creator);
        assertEq(royalty, cost * 500 / 10_000);
        _fund(bob, cost);
        vm.prank(bob);
        usd.approve(address(offering), cost);
        vm.expectEmit(address(offering));
        emit IShareOffering.SharesBought(oid, bob, 400, cost, creator, royalty);
        vm.prank(bob);
        offering.buy(oid, 400, cost);
        assertEq(usd.balanceOf(creator), royalty);
        assertEq(usd.balanceOf(alice), cost - royalty);
        assertEq(usd.balanceOf(bob), 0);
        assertEq(shares.balanceOf(bob, id), 400);
    }

    /// An offering priced in another token is paid in that token; fees still come in the fee token.
    function test_buy_inTheOfferingsOwnToken() public {
        TestUSD other = new TestUSD();
        vm.prank(creator);
        uint256 oid = offering.createOffering(id, 10, 7, other, 0, 0);
        deal(address(other), alice, 70, true);
        vm.startPrank(alice);
        other.approve(address(offering), 70);
        offering.buy(oid, 10, 70);
        vm.stopPrank();
        assertEq(other.balanceOf(creator), 70);
        assertEq(usd.balanceOf(creator), 0);
        assertEq(shares.balanceOf(alice, id), 10);
    }

    function test_buy_revertsWhenNotActive() public {
        vm.expectRevert(abi.encodeWithSelector(IShareOffering.ShareOfferingNotActive.selector, 9));
        offering.buy(9, 1, type(uint256).max);
    }

    function test_buy_revertsBeforeStart() public {
        uint48 start = uint48(block.timestamp + 100);
        uint256 oid = _create(10, start, 0);
        vm.expectRevert(abi.encodeWithSelector(IShareOffering.ShareOfferingNotStarted.selector, oid, start));
        offering.buy(oid, 1, type(uint256).max);
        vm.warp(start);
        _buy(alice, oid, 1);
    }

    function test_buy_revertsAtEnd() public {
        uint48 end = uint48(block.timestamp + 100);
        uint256 oid = _create(10, 0, end);
        vm.warp(end);
        vm.expectRevert(abi.encodeWithSelector(IShareOffering.ShareOfferingEnded.selector, oid, end));
        offering.buy(oid, 1, type(uint256).max);
    }

    function test_buy_revertsOnZeroAmount() public {
        uint256 oid = _create(10, 0, 0);
        vm.expectRevert(IShareOffering.ShareOfferingZeroAmount.selector);
        offering.buy(oid, 0, 0);
    }

    function test_buy_revertsAboveRemaining() public {
        uint256 oid = _create(10, 0, 0);
        vm.expectRevert(abi.encodeWithSelector(IShareOffering.ShareOfferingInsufficientShares.selector, oid, 11, 10));
        offering.buy(oid, 11, type(uint256).max);
    }

    function test_buy_revertsAboveMaxPrice() public {
        uint256 oid = _create(10, 0, 0);
        vm.expectRevert(
            abi.encodeWithSelector(IShareOffering.ShareOfferingPriceExceedsMax.selector, 2 * PRICE, 2 * PRICE - 1)
        );
        offering.buy(oid, 2, 2 * PRICE - 1);
    }

    function test_buy_revertsWithoutAllowance() public {
        uint256 oid = _create(10, 0, 0);
        _fund(alice, PRICE);
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, address(offering), 0, PRICE)
        );
        offering.buy(oid, 1, PRICE);
    }

    // ------------------------------------------------------------------ cancel

    function test_cancel_returnsShares() public {
        uint256 oid = _create(1_000, 0, 0);
        _buy(alice, oid, 400);
        vm.expectEmit(address(offering));
        emit IShareOffering.OfferingCancelled(oid, 600);
        vm.prank(creator);
        offering.cancel(oid);
        assertEq(shares.balanceOf(creator, id), SUPPLY - 400);
        assertEq(shares.balanceOf(address(offering), id), 0);
        assertTrue(offering.getOffering(oid).cancelled);
        assertEq(offering.escrowed(id), 0);
    }

    function test_cancel_revertsForNonSeller() public {
        uint256 oid = _create(10, 0, 0);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IShareOffering.ShareOfferingUnauthorized.selector, oid, alice));
        offering.cancel(oid);
    }

    function test_cancel_revertsWhenNotActive() public {
        uint256 oid = _create(10, 0, 0);
        vm.startPrank(creator);
        offering.cancel(oid);
        vm.expectRevert(abi.encodeWithSelector(IShareOffering.ShareOfferingNotActive.selector, oid));
        offering.cancel(oid);
        vm.stopPrank();
    }

    // ---------------------------------------------------------- withdrawUnsold

    function test_withdrawUnsold_returnsSharesAfterEndByAnyone() public {
        uint48 end = uint48(block.timestamp + 100);
        uint256 oid = _create(10, 0, end);
        _buy(alice, oid, 4);
        vm.warp(end);
        vm.expectEmit(address(offering));
        emit IShareOffering.UnsoldWithdrawn(oid, 6);
        vm.prank(bob);
        offering.withdrawUnsold(oid);
        assertEq(shares.balanceOf(creator, id), SUPPLY - 4);
        assertEq(offering.escrowed(id), 0);
    }

    function test_withdrawUnsold_revertsBeforeEnd() public {
        uint48 end = uint48(block.timestamp + 100);
        uint256 oid = _create(10, 0, end);
        vm.expectRevert(abi.encodeWithSelector(IShareOffering.ShareOfferingNotEnded.selector, oid, end));
        offering.withdrawUnsold(oid);
    }

    function test_withdrawUnsold_revertsWithoutEnd() public {
        uint256 oid = _create(10, 0, 0);
        vm.expectRevert(abi.encodeWithSelector(IShareOffering.ShareOfferingNotEnded.selector, oid, 0));
        offering.withdrawUnsold(oid);
    }

    function test_withdrawUnsold_revertsWhenNotActive() public {
        uint48 end = uint48(block.timestamp + 100);
        uint256 oid = _create(10, 0, end);
        vm.prank(creator);
        offering.cancel(oid);
        vm.warp(end);
        vm.expectRevert(abi.encodeWithSelector(IShareOffering.ShareOfferingNotActive.selector, oid));
        offering.withdrawUnsold(oid);
    }

    // -------------------------------------------------------------------- fees

    function test_fees_onEscrowedSharesReachSeller() public {
        uint256 oid = _create(SUPPLY / 2, 0, 0);
        _depositFees(id, 1_000e6);
        assertEq(shares.claimable(id, address(offering)), 500e6);
        // A buy harvests first: the 500e6 earned while escrowed is the seller's.
        _approveBuyer(alice, SUPPLY / 4 * PRICE);
        vm.expectEmit(address(offering));
        emit IShareOffering.SellerFeesCredited(oid, creator, 500e6);
        vm.prank(alice);
        offering.buy(oid, SUPPLY / 4, SUPPLY / 4 * PRICE);
        assertEq(offering.sellerFees(creator), 500e6);
        _depositFees(id, 1_000e6);
        // Alice earns on what she bought; the seller on the rest (still escrowed + held).
        assertEq(shares.claimable(id, alice), 250e6);
        // A harvest spreads what the escrow earned over its offerings; settling credits this one's seller.
        assertEq(offering.harvestFees(id), 250e6);
        assertEq(offering.sellerFees(creator), 500e6);
        assertEq(offering.settleFees(oid), 250e6);
        assertEq(offering.sellerFees(creator), 750e6);
        vm.expectEmit(address(offering));
        emit IShareOffering.SellerFeesWithdrawn(creator, 750e6);
        vm.prank(creator);
        assertEq(offering.withdrawFees(), 750e6);
        assertEq(usd.balanceOf(address(offering)), 0);
    }

    function test_fees_harvestedOnCancel() public {
        uint256 oid = _create(SUPPLY, 0, 0);
        _depositFees(id, 1_000e6);
        vm.prank(creator);
        offering.cancel(oid);
        assertEq(offering.sellerFees(creator), 1_000e6);
        assertEq(shares.claimable(id, address(offering)), 0);
    }

    function test_harvestFees_returnsZeroWithoutOffering() public {
        assertEq(offering.harvestFees(id), 0);
        assertEq(offering.settleFees(42), 0);
    }

    /// Two sellers' offerings of one model escrowed together: fees split by shares and time in escrow.
    function test_fees_splitBetweenSellersByEscrowedShares() public {
        _transfer(creator, alice, id, 200_000);
        vm.startPrank(alice);
        shares.setApprovalForAll(address(offering), true);
        uint256 a = offering.createOffering(id, 200_000, PRICE, usd, 0, 0);
        vm.stopPrank();
        uint256 c = _create(300_000, 0, 0);
        _depositFees(id, 1_000e6);
        // 500,000 of 1,000,000 shares escrowed: 500e6 to the escrow, 2:3 between alice and the creator.
        assertEq(offering.settleFees(a), 200e6);
        assertEq(offering.settleFees(c), 300e6);
        // Alice leaves; later fees go to the creator's offering alone (and to holders).
        vm.prank(alice);
        offering.cancel(a);
        _depositFees(id, 1_000e6);
        assertEq(offering.settleFees(c), 300e6);
        assertEq(offering.sellerFees(alice), 200e6);
        assertEq(offering.sellerFees(creator), 600e6);
        assertEq(usd.balanceOf(address(offering)), 800e6);
    }

    function test_withdrawFees_returnsZeroWhenNothing() public {
        vm.prank(alice);
        assertEq(offering.withdrawFees(), 0);
    }

    // ------------------------------------------------------- receiver checks

    function test_onERC1155Received_rejectsDirectTransfers() public {
        vm.prank(creator);
        vm.expectRevert(
            abi.encodeWithSelector(IShareOffering.ShareOfferingUnexpectedTransfer.selector, address(shares), creator)
        );
        shares.safeTransferFrom(creator, address(offering), id, 1, "");
    }

    function test_onERC1155BatchReceived_rejectsBatches() public {
        uint256[] memory ids = new uint256[](1);
        ids[0] = id;
        uint256[] memory values = new uint256[](1);
        values[0] = 1;
        vm.prank(creator);
        vm.expectRevert(
            abi.encodeWithSelector(IShareOffering.ShareOfferingUnexpectedTransfer.selector, address(shares), creator)
        );
        shares.safeBatchTransferFrom(creator, address(offering), ids, values, "");
    }

    // -------------------------------------------------------------------- fuzz

    function testFuzz_buy_transfersExactCost(uint256 amount, uint256 price, uint256 buyAmount) public {
        amount = bound(amount, 1, SUPPLY);
        price = bound(price, 1, 1e24);
        buyAmount = bound(buyAmount, 1, amount);
        vm.prank(creator);
        uint256 oid = offering.createOffering(id, amount, price, usd, 0, 0);
        uint256 cost = buyAmount * price;
        _fund(alice, cost);
        vm.startPrank(alice);
        usd.approve(address(offering), cost);
        offering.buy(oid, buyAmount, cost);
        vm.stopPrank();
        assertEq(usd.balanceOf(creator), cost);
        assertEq(usd.balanceOf(alice), 0);
        assertEq(shares.balanceOf(alice, id), buyAmount);
        assertEq(shares.balanceOf(address(offering), id), amount - buyAmount);
        assertEq(offering.getOffering(oid).remaining, amount - buyAmount);
    }

    function testFuzz_fees_sellerGetsEscrowedShare(uint256 escrowed, uint256 fee, uint256 bought) public {
        escrowed = bound(escrowed, 1, SUPPLY);
        fee = bound(fee, 1, 1e24);
        bought = bound(bought, 1, escrowed);
        vm.prank(creator);
        uint256 oid = offering.createOffering(id, escrowed, 1, usd, 0, 0);
        _depositFees(id, fee);
        uint256 escrowedEarned = shares.claimable(id, address(offering));
        _buy(alice, oid, bought);
        // Credited to the unit, up to one unit of rounding that stays in the contract for later harvests.
        assertApproxEqAbs(offering.sellerFees(creator), escrowedEarned, 1);
        assertLe(offering.sellerFees(creator), escrowedEarned);
        assertEq(usd.balanceOf(address(offering)), escrowedEarned);
        assertEq(shares.claimable(id, alice), 0);
        // Seller's total (held + credited) is the whole fee up to rounding (2 holders + carry + settlement).
        uint256 total = offering.sellerFees(creator) + shares.claimable(id, creator);
        assertLe(total, fee);
        assertLe(fee - total, 3);
    }

    /// Two sellers, any sizes and fees: each is credited its escrowed share, the credits never exceed what the escrow
    /// earned, and the rounding left over is at most a unit per settlement.
    function testFuzz_fees_twoSellersSplitExactly(uint256 mine, uint256 theirs, uint256 fee) public {
        mine = bound(mine, 1, SUPPLY / 2);
        theirs = bound(theirs, 1, SUPPLY / 2);
        fee = bound(fee, 1, 1e24);
        _transfer(creator, alice, id, theirs);
        vm.startPrank(alice);
        shares.setApprovalForAll(address(offering), true);
        uint256 a = offering.createOffering(id, theirs, 1, usd, 0, 0);
        vm.stopPrank();
        uint256 c = _create(mine, 0, 0);
        _depositFees(id, fee);
        uint256 earned = shares.claimable(id, address(offering));
        uint256 toAlice = offering.settleFees(a);
        uint256 toCreator = offering.settleFees(c);
        assertLe(toAlice + toCreator, earned);
        assertLe(earned - (toAlice + toCreator), 2);
        assertApproxEqAbs(toAlice, earned * theirs / (mine + theirs), 1);
        assertEq(usd.balanceOf(address(offering)), earned);
    }
}
