// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {TestUSD} from "../../../contracts/mocks/TestUSD.sol";
import {ModelShares} from "../../../contracts/shares/ModelShares.sol";
import {ExactPayments, ExactReceiver} from "../../../contracts/payments/ExactPayments.sol";
import {ExactHandler} from "./ExactHandler.sol";

contract ExactInvariantTest is Test {
    TestUSD internal usd;
    ModelShares internal shares;
    ExactPayments internal exact;
    ExactHandler internal handler;

    function setUp() public {
        usd = new TestUSD();
        shares = new ModelShares(usd, "inv");
        exact = new ExactPayments(shares);
        handler = new ExactHandler(usd, shares, exact);
        targetContract(address(handler));
        bytes4[] memory selectors = new bytes4[](12);
        selectors[0] = ExactHandler.pay.selector;
        selectors[1] = ExactHandler.sign.selector;
        selectors[2] = ExactHandler.settle.selector;
        selectors[3] = ExactHandler.withdrawEarnings.selector;
        selectors[4] = ExactHandler.bookUnderOtherModel.selector;
        selectors[5] = ExactHandler.frontRun.selector;
        selectors[6] = ExactHandler.cancelThenSettle.selector;
        selectors[7] = ExactHandler.replay.selector;
        selectors[8] = ExactHandler.donate.selector;
        selectors[9] = ExactHandler.strangerCalls.selector;
        selectors[10] = ExactHandler.rescheduleSplit.selector;
        selectors[11] = ExactHandler.warp.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    /// Every unit a receiver holds is accounted for: its balance is the operator's earnings, the fees held for the
    /// model's admin, and what arrived but is not booked yet; it booked no more than arrived (nobody paid twice), and
    /// what it booked is the fees it paid the pool plus the operator's earnings and withdrawals.
    function invariant_receiverSolvency() public view {
        for (uint256 i; i < handler.receiverCount(); ++i) {
            ExactReceiver r = handler.receivers(i);
            address a = address(r);
            uint256 received = r.received();
            uint256 arrived = handler.ghostIn(a);
            assertLe(received, arrived, "booked more than arrived");
            assertEq(usd.balanceOf(a), r.earnings() + r.unpooledFees() + (arrived - received), "receiver balance");
            assertEq(received, handler.ghostFee(a) + r.earnings() + handler.ghostWithdrawn(a), "booked = fee + operator");
        }
    }

    /// A model's holders are paid only from that model's payments: its pool holds exactly the fees its own receivers
    /// booked, and those receivers booked no more than was paid to them.
    function invariant_feesOnlyFromTheModelsPayments() public view {
        for (uint256 m; m < 2; ++m) {
            uint256 modelId = handler.models(m);
            uint256 fees;
            uint256 booked;
            for (uint256 i; i < handler.receiverCount(); ++i) {
                ExactReceiver r = handler.receivers(i);
                if (r.modelId() != modelId) continue;
                fees += handler.ghostFee(address(r));
                booked += r.received();
            }
            (uint256 pooled,) = shares.feePool(modelId);
            assertEq(pooled, fees, "pool = its receivers' fees");
            assertLe(booked, handler.ghostPaidFor(modelId), "booked more than the model was paid");
            assertLe(fees, booked, "fees within the payments");
        }
    }

    /// No settlement booked money that did not arrive at its receiver, none was made by anyone but the receiver's
    /// operator, a stranger never gained, and every honest payment settled.
    function invariant_noMisbooking() public view {
        assertEq(handler.ghostMisbooked(), 0, "misbooked");
        assertEq(handler.ghostStrangerGain(), 0, "stranger gained");
        assertEq(handler.ghostHonestRefused(), 0, "an honest payment was refused");
    }

    /// No unit leaves the known accounts (payers, operators, receivers, the fee pool, the stranger).
    function invariant_tokenConservation() public view {
        uint256 sum;
        for (uint256 i; i < handler.holderCount(); ++i) {
            sum += usd.balanceOf(handler.holders(i));
        }
        assertEq(sum, handler.ghostMinted(), "every unit is somewhere known");
        assertEq(usd.totalSupply(), handler.ghostMinted(), "supply");
    }
}
