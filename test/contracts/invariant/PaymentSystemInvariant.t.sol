// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {TestUSD} from "../../../contracts/mocks/TestUSD.sol";
import {ModelShares} from "../../../contracts/shares/ModelShares.sol";
import {ShareOffering} from "../../../contracts/shares/ShareOffering.sol";
import {IShareOffering} from "../../../contracts/interfaces/IShareOffering.sol";
import {PaymentEscrow} from "../../../contracts/payments/PaymentEscrow.sol";
import {PaymentSystemHandler} from "./PaymentSystemHandler.sol";

contract PaymentSystemInvariantTest is Test {
    TestUSD internal usd;
    ModelShares internal shares;
    PaymentEscrow internal escrow;
    ShareOffering internal offering;
    PaymentSystemHandler internal handler;

    function setUp() public {
        usd = new TestUSD();
        shares = new ModelShares(usd, "inv");
        escrow = new PaymentEscrow(shares, 1 days);
        offering = new ShareOffering(shares);
        handler = new PaymentSystemHandler(shares, escrow, offering, usd);
        targetContract(address(handler));
        bytes4[] memory s = new bytes4[](16);
        s[0] = PaymentSystemHandler.deposit.selector;
        s[1] = PaymentSystemHandler.settle.selector;
        s[2] = PaymentSystemHandler.settleMany.selector;
        s[3] = PaymentSystemHandler.replay.selector;
        s[4] = PaymentSystemHandler.requestWithdrawal.selector;
        s[5] = PaymentSystemHandler.warp.selector;
        s[6] = PaymentSystemHandler.withdraw.selector;
        s[7] = PaymentSystemHandler.withdrawEarnings.selector;
        s[8] = PaymentSystemHandler.claimFees.selector;
        s[9] = PaymentSystemHandler.transferShares.selector;
        s[10] = PaymentSystemHandler.createOffering.selector;
        s[11] = PaymentSystemHandler.buy.selector;
        s[12] = PaymentSystemHandler.cancelOffering.selector;
        s[13] = PaymentSystemHandler.harvestSettleAndWithdraw.selector;
        s[14] = PaymentSystemHandler.settle.selector; // settle twice as likely
        s[15] = PaymentSystemHandler.withdrawUnsold.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: s}));
    }

    /// (a) Every unit paid into the escrow is in the escrow (deposits + operator earnings), in the fee pools
    ///     (ModelShares), credited to a seller (ShareOffering), or was withdrawn / claimed. Nothing created or lost.
    function invariant_conservation() public view {
        (uint256 nPayers, uint256 nOps,,) = handler.counts();
        uint256 inEscrow;
        for (uint256 i; i < nPayers; ++i) {
            inEscrow += escrow.depositOf(handler.payers(i));
        }
        for (uint256 i; i < nOps; ++i) {
            inEscrow += escrow.operatorBalance(handler.operators(i));
        }
        assertEq(usd.balanceOf(address(escrow)), inEscrow, "escrow solvency");
        assertEq(
            handler.ghostDepositedIn(),
            inEscrow + usd.balanceOf(address(shares)) + usd.balanceOf(address(offering)) + handler.ghostWithdrawn()
                + handler.ghostEarningsWithdrawn() + handler.ghostFeesClaimed() + handler.ghostSellerFeesWithdrawn(),
            "conservation"
        );
        uint256 credited;
        (,, uint256 nHolders,) = handler.counts();
        for (uint256 i; i < nHolders; ++i) {
            credited += offering.sellerFees(handler.holders(i));
        }
        // What sellers are owed is in the contract; the rest is fees not yet credited (and rounding dust).
        assertGe(usd.balanceOf(address(offering)), credited, "seller fees backed");
    }

    /// (a) Fee pools: holders (incl. the offering contract) are owed at most what was deposited, short by less
    ///     than 1 + holders.
    function invariant_feePoolsWithinDustBound() public view {
        (,, uint256 nHolders, uint256 nIds) = handler.counts();
        for (uint256 i; i < nIds; ++i) {
            uint256 id = handler.ids(i);
            (uint256 deposited,) = shares.feePool(id);
            uint256 owed = shares.claimed(id, address(offering)) + shares.claimable(id, address(offering));
            for (uint256 j; j < nHolders; ++j) {
                address h = handler.holders(j);
                owed += shares.claimed(id, h) + shares.claimable(id, h);
            }
            assertLe(owed, deposited, "overpaid");
            assertLe(deposited - owed, nHolders + 1, "dust bound");
        }
    }

    /// (c) Settled amounts equal successful claims, never exceed the largest signed cumulative amount, and replays
    ///     never pay.
    function invariant_vouchersNeverOverpay() public view {
        (uint256 nPayers, uint256 nOps,, uint256 nIds) = handler.counts();
        for (uint256 p; p < nPayers; ++p) {
            for (uint256 o; o < nOps; ++o) {
                for (uint256 i; i < nIds; ++i) {
                    address payer = handler.payers(p);
                    address op = handler.operators(o);
                    uint256 id = handler.ids(i);
                    bytes32 k = handler.key(payer, op, id);
                    uint256 s = escrow.settled(payer, op, id);
                    assertEq(s, handler.ghostPaid(k), "settled == paid");
                    assertLe(s, handler.ghostMaxSigned(k), "settled <= signed");
                }
            }
        }
        assertFalse(handler.ghostReplayPaid(), "replay paid");
    }

    /// The offering contract holds exactly the open offerings' remaining shares, model by model; no stranger ever
    /// cancelled, no early withdrawal succeeded, and no seller was ever refused a cancel.
    function invariant_offeringsHoldRemaining() public view {
        (,,, uint256 nIds) = handler.counts();
        uint256 nOffers = handler.offeringCount();
        for (uint256 i; i < nIds; ++i) {
            uint256 id = handler.ids(i);
            uint256 remaining;
            for (uint256 j; j < nOffers; ++j) {
                IShareOffering.Offering memory o = offering.getOffering(handler.offeringIds(j));
                if (o.modelId == id) remaining += o.remaining;
            }
            assertEq(shares.balanceOf(address(offering), id), remaining, "held == remaining");
            assertEq(offering.escrowed(id), remaining, "escrowed == remaining");
        }
        assertFalse(handler.ghostUnauthorizedSucceeded(), "access control");
    }
}
