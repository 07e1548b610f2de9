// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {IShareOffering} from "../../../contracts/interfaces/IShareOffering.sol";
import {ShareOfferingHandler} from "./ShareOfferingHandler.sol";

contract ShareOfferingInvariantTest is Test {
    ShareOfferingHandler internal handler;

    function setUp() public {
        handler = new ShareOfferingHandler();
        targetContract(address(handler));
        bytes4[] memory selectors = new bytes4[](11);
        selectors[0] = ShareOfferingHandler.create.selector;
        selectors[1] = ShareOfferingHandler.buy.selector;
        selectors[2] = ShareOfferingHandler.cancel.selector;
        selectors[3] = ShareOfferingHandler.withdrawUnsold.selector;
        selectors[4] = ShareOfferingHandler.depositFees.selector;
        selectors[5] = ShareOfferingHandler.strangerSettles.selector;
        selectors[6] = ShareOfferingHandler.pushShares.selector;
        selectors[7] = ShareOfferingHandler.withdrawFees.selector;
        selectors[8] = ShareOfferingHandler.adminChanges.selector;
        selectors[9] = ShareOfferingHandler.transfer.selector;
        selectors[10] = ShareOfferingHandler.warp.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    /// Every escrowed share is accounted for: the market holds exactly the shares its open offerings have left, and
    /// the shares are all with the known accounts.
    function invariant_sharesEscrowed() public view {
        uint256 modelId = handler.modelId();
        address market = address(handler.offering());
        uint256 remaining;
        for (uint256 i; i < handler.offeringCount(); ++i) {
            IShareOffering.Offering memory o = handler.offering().getOffering(handler.offeringIds(i));
            remaining += o.remaining;
        }
        assertEq(handler.shares().balanceOf(market, modelId), remaining, "market balance = offerings' remaining");
        assertEq(handler.offering().escrowed(modelId), remaining, "escrowed = offerings' remaining");
        uint256 held = handler.shares().balanceOf(market, modelId);
        for (uint256 i; i < handler.actorCount(); ++i) {
            held += handler.shares().balanceOf(handler.actors(i), modelId);
        }
        assertEq(held, handler.shares().totalSupply(modelId), "every share is with a known account");
    }

    /// Every unit of fees the market holds is accounted for: it holds what it harvested less what sellers withdrew,
    /// at least all sellers' credits (solvent), and never credited more than its escrowed shares earned (nobody is
    /// paid twice). It never keeps a payment token.
    function invariant_feesAccounted() public view {
        uint256 modelId = handler.modelId();
        address market = address(handler.offering());
        uint256 credits;
        uint256 withdrawn;
        for (uint256 s; s < 3; ++s) {
            address seller = handler.actors(s);
            credits += handler.offering().sellerFees(seller);
            withdrawn += handler.ghostFeesWithdrawn(seller);
        }
        uint256 harvested = handler.shares().claimed(modelId, market);
        uint256 balance = handler.usd().balanceOf(market);
        assertEq(balance, harvested - withdrawn, "market balance = harvested - withdrawn");
        assertLe(credits, balance, "market solvent for sellers' credits");
        assertLe(credits + withdrawn, harvested, "credited no more than harvested");
        assertEq(handler.other().balanceOf(market), 0, "no payment token kept");
    }

    /// Each token's units are all with known accounts: buyers paid sellers and royalty receivers only, and fees sit
    /// in the pool, the market or with whoever claimed or withdrew them.
    function invariant_tokensConserved() public view {
        address[2] memory tokens = [address(handler.usd()), address(handler.other())];
        for (uint256 t; t < 2; ++t) {
            IERC20Like token = IERC20Like(tokens[t]);
            uint256 sum = token.balanceOf(address(handler.offering())) + token.balanceOf(address(handler.shares()))
                + token.balanceOf(handler.funder());
            for (uint256 i; i < handler.actorCount(); ++i) {
                sum += token.balanceOf(handler.actors(i));
            }
            assertEq(sum, handler.ghostMinted(tokens[t]), "every unit with a known account");
        }
        assertEq(handler.ghostFeesDeposited(), _deposited(), "pool total = deposits");
    }

    /// No buyer, seller or royalty receiver moved other than the price says; no stranger cancelled or gained; no
    /// share entered the market unasked.
    function invariant_noAbuse() public view {
        assertEq(handler.ghostMispriced(), 0, "mispriced");
        assertEq(handler.ghostUnauthorized(), 0, "unauthorized cancel");
        assertEq(handler.ghostStrangerGain(), 0, "stranger gained");
        assertEq(handler.ghostUnexpectedAccepted(), 0, "shares pushed in");
    }

    function _deposited() private view returns (uint256 total) {
        (total,) = handler.shares().feePool(handler.modelId());
    }
}

interface IERC20Like {
    function balanceOf(address) external view returns (uint256);
}
