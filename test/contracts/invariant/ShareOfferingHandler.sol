// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {TestUSD} from "../../../contracts/mocks/TestUSD.sol";
import {ModelShares} from "../../../contracts/shares/ModelShares.sol";
import {ShareOffering} from "../../../contracts/shares/ShareOffering.sol";
import {IShareOffering} from "../../../contracts/interfaces/IShareOffering.sol";

/// @notice Drives the share market as sellers and buyers and as adversaries: a buyer that is its own seller, a
///         stranger calling every open function (cancelling, withdrawing, settling others' offerings, pushing shares
///         in unasked), the model admin moving the royalty receiver and the split mid-flight (onto a seller too), fee
///         deposits while shares sit in escrow, and time running past offering windows.
contract ShareOfferingHandler is Test {
    TestUSD public usd;
    TestUSD public other;
    ModelShares public shares;
    ShareOffering public offering;

    uint256 internal constant SUPPLY = 1_000_000;
    address public admin = makeAddr("admin");
    address public alice = makeAddr("alice");
    address public bob = makeAddr("bob");
    address public carol = makeAddr("carol");
    address public stranger = makeAddr("stranger");
    address public royaltyTaker = makeAddr("royaltyTaker");
    address public funder = makeAddr("funder");
    uint256 public modelId;
    /// Everyone who can hold shares or payment tokens (the offering, the pool and the funder are added by the test).
    address[] public actors;
    uint256[] public offeringIds;

    mapping(address token => uint256) public ghostMinted;
    /// What each seller withdrew from its fee credit.
    mapping(address seller => uint256) public ghostFeesWithdrawn;
    uint256 public ghostFeesDeposited;
    /// Each must stay 0: a buyer charged other than the offering's price, a seller or royalty receiver paid other than
    /// its part, a stranger that cancelled or gained, shares accepted that the market did not pull.
    uint256 public ghostMispriced;
    uint256 public ghostUnauthorized;
    uint256 public ghostStrangerGain;
    uint256 public ghostUnexpectedAccepted;
    uint256 public ghostBuys;

    constructor() {
        usd = new TestUSD();
        other = new TestUSD();
        shares = new ModelShares(usd, "inv");
        offering = new ShareOffering(shares);
        vm.prank(admin);
        modelId = shares.createModel("bafy-offered", SUPPLY, 500, 2_000, 0);
        actors.push(admin);
        actors.push(alice);
        actors.push(bob);
        actors.push(carol);
        actors.push(stranger);
        actors.push(royaltyTaker);
        vm.startPrank(admin);
        shares.safeTransferFrom(admin, alice, modelId, 200_000, "");
        shares.safeTransferFrom(admin, bob, modelId, 100_000, "");
        vm.stopPrank();
        for (uint256 i; i < actors.length; ++i) {
            vm.prank(actors[i]);
            shares.setApprovalForAll(address(offering), true);
        }
    }

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    function offeringCount() external view returns (uint256) {
        return offeringIds.length;
    }

    function _mint(TestUSD token, address to, uint256 amount) private {
        deal(address(token), to, token.balanceOf(to) + amount, true);
        ghostMinted[address(token)] += amount;
    }

    /// A seller (admin, alice or bob) offers part of its shares, in the fee token or another token, with or without a
    /// window.
    function create(uint256 s, uint256 amount, uint256 price, bool inOther, uint256 startIn, uint256 duration) external {
        address seller = actors[s % 3];
        uint256 balance = shares.balanceOf(seller, modelId);
        if (balance == 0) return;
        amount = bound(amount, 1, balance);
        price = bound(price, 1, 1e6);
        uint48 start = uint48(block.timestamp + bound(startIn, 0, 1 days));
        uint48 end = duration % 3 == 0 ? 0 : uint48(start + bound(duration, 1, 7 days));
        vm.prank(seller);
        offeringIds.push(offering.createOffering(modelId, amount, price, inOther ? other : usd, start, end));
    }

    struct Trade {
        address buyer;
        address seller;
        address receiver;
        uint256 cost;
        uint256 royalty;
        TestUSD token;
    }

    /// What a trade should change `who`'s token balance by, whichever of buyer, seller and royalty receiver it is.
    function _delta(Trade memory t, address who) private pure returns (int256 d) {
        if (who == t.buyer) d -= int256(t.cost);
        if (who == t.seller) d += int256(t.cost - t.royalty);
        if (who == t.receiver) d += int256(t.royalty);
    }

    function _balancesOf(Trade memory t) private view returns (uint256[3] memory b) {
        b = [t.token.balanceOf(t.buyer), t.token.balanceOf(t.seller), t.token.balanceOf(t.receiver)];
    }

    /// A buyer (the seller itself included) buys at the offering's price; whatever token it names is minted first.
    function buy(uint256 b, uint256 o, uint256 amount) external {
        if (offeringIds.length == 0) return;
        uint256 id = offeringIds[o % offeringIds.length];
        IShareOffering.Offering memory off = offering.getOffering(id);
        if (off.remaining == 0) return;
        amount = bound(amount, 1, off.remaining);
        Trade memory t = Trade({
            buyer: actors[b % 4],
            seller: off.seller,
            receiver: address(0),
            cost: amount * off.pricePerShare,
            royalty: 0,
            token: TestUSD(address(off.paymentToken))
        });
        // Twice the price, and (below) an unlimited allowance, as many wallets give: only the contract's own
        // arithmetic keeps the buyer from paying more than the price.
        _mint(t.token, t.buyer, 2 * t.cost);
        (t.receiver, t.royalty) = shares.royaltyInfo(modelId, t.cost);
        if (t.receiver == t.seller) t.royalty = 0;
        uint256[3] memory before = _balancesOf(t);
        uint256 sharesBefore = shares.balanceOf(t.buyer, modelId);
        vm.startPrank(t.buyer);
        t.token.approve(address(offering), type(uint256).max);
        try offering.buy(id, amount, t.cost) {
            uint256[3] memory later = _balancesOf(t);
            address[3] memory who = [t.buyer, t.seller, t.receiver];
            for (uint256 k; k < 3; ++k) {
                if (int256(later[k]) - int256(before[k]) != _delta(t, who[k])) ++ghostMispriced;
            }
            if (shares.balanceOf(t.buyer, modelId) - sharesBefore != amount) ++ghostMispriced;
            ++ghostBuys;
        } catch {}
        // Leave no allowance behind for the next action.
        t.token.approve(address(offering), 0);
        vm.stopPrank();
    }

    /// The seller, or someone else, cancels an offering.
    function cancel(uint256 o, bool asStranger) external {
        if (offeringIds.length == 0) return;
        uint256 id = offeringIds[o % offeringIds.length];
        address seller = offering.getOffering(id).seller;
        address caller = asStranger ? stranger : seller;
        vm.prank(caller);
        try offering.cancel(id) {
            if (caller != seller) ++ghostUnauthorized;
        } catch {}
    }

    /// Anyone returns the unsold shares of an ended offering: they go to the seller, never to the caller.
    function withdrawUnsold(uint256 o) external {
        if (offeringIds.length == 0) return;
        uint256 id = offeringIds[o % offeringIds.length];
        uint256 before = shares.balanceOf(stranger, modelId);
        vm.prank(stranger);
        try offering.withdrawUnsold(id) {} catch {}
        if (shares.balanceOf(stranger, modelId) != before) ++ghostStrangerGain;
    }

    /// Fees are paid to the model's holders while shares sit in escrow.
    function depositFees(uint256 amount) external {
        amount = bound(amount, 1, 10e6);
        _mint(usd, funder, amount);
        vm.startPrank(funder);
        usd.approve(address(shares), amount);
        shares.depositFees(modelId, amount);
        vm.stopPrank();
        ghostFeesDeposited += amount;
    }

    /// A stranger harvests and settles others' fees (open functions), and withdraws a credit it does not have.
    function strangerSettles(uint256 o) external {
        uint256 before = usd.balanceOf(stranger);
        vm.startPrank(stranger);
        offering.harvestFees(modelId);
        if (offeringIds.length != 0) offering.settleFees(offeringIds[o % offeringIds.length]);
        offering.withdrawFees();
        vm.stopPrank();
        if (usd.balanceOf(stranger) != before) ++ghostStrangerGain;
    }

    /// A stranger (or a holder) pushes shares into the market without an offering: refused.
    function pushShares(uint256 a, uint256 amount) external {
        address from = actors[a % actors.length];
        uint256 balance = shares.balanceOf(from, modelId);
        if (balance == 0) return;
        amount = bound(amount, 1, balance);
        vm.prank(from);
        try shares.safeTransferFrom(from, address(offering), modelId, amount, "") {
            ++ghostUnexpectedAccepted;
        } catch {}
    }

    /// A seller withdraws its fee credit.
    function withdrawFees(uint256 s) external {
        address seller = actors[s % 3];
        uint256 before = usd.balanceOf(seller);
        vm.prank(seller);
        uint256 amount = offering.withdrawFees();
        if (usd.balanceOf(seller) - before != amount) ++ghostMispriced;
        ghostFeesWithdrawn[seller] += amount;
    }

    /// The admin moves the royalty receiver mid-flight (to a seller, a buyer or a third party) or reschedules the split.
    function adminChanges(uint256 who, uint256 bps) external {
        vm.startPrank(admin);
        shares.setRoyaltyReceiver(modelId, actors[who % actors.length]);
        try shares.scheduleFeeShare(modelId, uint16(bound(bps, 1_000, 3_000))) {} catch {}
        vm.stopPrank();
    }

    /// Holders sell shares among themselves outside the market (fees follow ModelShares' own accounting).
    function transfer(uint256 a, uint256 b, uint256 amount) external {
        address from = actors[a % actors.length];
        address to = actors[b % actors.length];
        uint256 balance = shares.balanceOf(from, modelId);
        if (balance == 0) return;
        vm.prank(from);
        shares.safeTransferFrom(from, to, modelId, bound(amount, 1, balance), "");
    }

    function warp(uint256 secs) external {
        vm.warp(block.timestamp + bound(secs, 1, 3 days));
    }
}
