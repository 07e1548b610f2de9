// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {TestUSD} from "../../../contracts/mocks/TestUSD.sol";
import {ModelShares} from "../../../contracts/shares/ModelShares.sol";
import {PaymentChannels} from "../../../contracts/payments/PaymentChannels.sol";
import {ChannelsHandler} from "./ChannelsHandler.sol";

contract ChannelsInvariantTest is Test {
    TestUSD internal usd;
    ModelShares internal shares;
    PaymentChannels internal channels;
    ChannelsHandler internal handler;

    function setUp() public {
        usd = new TestUSD();
        shares = new ModelShares(usd, "inv");
        channels = new PaymentChannels(shares);
        handler = new ChannelsHandler(usd, shares, channels);
        targetContract(address(handler));
    }

    /// Payer + operator + fee pool + channel balances conserve every unit: what came in is in a channel, in an
    /// operator's earnings, in a fee pool, held as unpooled fees, or went out to its owner.
    function invariant_conservation() public view {
        uint256 inChannels;
        for (uint256 i; i < handler.channelCount(); ++i) {
            (,,,, uint256 balance,,) = channels.channel(handler.channelIds(i));
            inChannels += balance;
        }
        uint256 earned;
        for (uint256 i; i < handler.earnerCount(); ++i) {
            earned += channels.earnings(handler.earners(i));
        }
        uint256 unpooled = channels.unpooledFees(handler.models(0)) + channels.unpooledFees(handler.models(1));
        assertEq(usd.balanceOf(address(channels)), inChannels + earned + unpooled, "channels solvency");
        assertEq(handler.ghostIn(), inChannels + earned + unpooled + usd.balanceOf(address(shares)) + handler.ghostOut());
    }

    /// A voucher the honest node accepted while the channel was open is always payable in full: what it accepted
    /// and has not settled yet is still in the channel.
    function invariant_acceptedIsPayable() public view {
        for (uint256 i; i < handler.channelCount(); ++i) {
            bytes32 cid = handler.channelIds(i);
            if (!handler.honest(cid)) continue;
            (,,,, uint256 balance,,) = channels.channel(cid);
            uint256 outstanding;
            for (uint256 m; m < 2; ++m) {
                uint256 modelId = handler.models(m);
                uint256 settled = channels.settled(cid, modelId);
                uint256 accepted = handler.accepted(cid, modelId);
                if (accepted > settled) outstanding += accepted - settled;
            }
            assertLe(outstanding, balance, "an accepted voucher became unpayable");
        }
    }

    /// Replays and forgeries never pay anyone.
    function invariant_replaysPayNothing() public view {
        assertEq(handler.ghostReplayPaid(), 0);
    }
}
