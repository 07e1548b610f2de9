// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AdminActions} from "./AdminActions.sol";
import {TestUSD} from "../../../contracts/mocks/TestUSD.sol";
import {ModelShares} from "../../../contracts/shares/ModelShares.sol";
import {PaymentChannels} from "../../../contracts/payments/PaymentChannels.sol";
import {IPaymentChannels} from "../../../contracts/interfaces/IPaymentChannels.sol";

/// @notice Drives the channels as an honest node and as adversaries: payers racing withdrawals, a payer acting as its
///         own operator, an accomplice operator, the model admin rescheduling the split mid-flight, a stranger calling
///         every open function. The honest node follows modeldao's policy: it accepts a voucher only while the channel
///         holds it (net of any withdrawal being thawed) and settles before a thaw ends.
contract ChannelsHandler is AdminActions {
    TestUSD internal usd;
    ModelShares internal shares;
    PaymentChannels internal channels;

    uint256 internal constant PAYERS = 3;
    uint256 internal constant MODELS = 2;
    address public node = makeAddr("node");
    address public accomplice = makeAddr("accomplice");
    address public stranger = makeAddr("stranger");
    address public admin = makeAddr("admin");
    uint256[MODELS] public models;

    /// Channels: per payer, one to the honest node, one to the accomplice, one to itself.
    bytes32[] public channelIds;
    mapping(bytes32 => uint256) public keyOf;
    mapping(bytes32 => bool) public honest;
    /// Highest cumulative amount the honest node accepted per (channel, model), with the voucher it holds.
    mapping(bytes32 => mapping(uint256 => uint256)) public accepted;
    mapping(bytes32 => mapping(uint256 => IPaymentChannels.SignedVoucher)) internal _held;

    uint256 public ghostIn;
    uint256 public ghostOut;
    uint256 public ghostAcceptedTotal;
    uint256 public ghostReplayPaid;
    address[] public earners;

    constructor(TestUSD usd_, ModelShares shares_, PaymentChannels channels_) {
        usd = usd_;
        shares = shares_;
        channels = channels_;
        vm.startPrank(admin);
        models[0] = shares.createModel("bafy-a", 1_000, 0, 2_000, 0);
        models[1] = shares.createModel("bafy-b", 7, 0, 9_500, 0);
        vm.stopPrank();
        earners.push(node);
        earners.push(accomplice);
        for (uint256 i; i < PAYERS; ++i) {
            uint256 key = 0x1000 + i;
            address payer = vm.addr(key);
            earners.push(payer);
            _openFor(key, payer, node, true);
            _openFor(key, payer, accomplice, false);
            _openFor(key, payer, payer, false);
        }
    }

    function _openFor(uint256 key, address payer, address operator, bool isHonest) private {
        uint256 amount = 1_000e6;
        deal(address(usd), payer, usd.balanceOf(payer) + amount, true);
        vm.startPrank(payer);
        usd.approve(address(channels), amount);
        bytes32 cid = channels.open(
            IPaymentChannels.ChannelKey({
                payer: payer, operator: operator, token: address(usd), withdrawalDelay: 1 hours, salt: bytes32(0)
            }),
            payer,
            amount
        );
        vm.stopPrank();
        ghostIn += amount;
        channelIds.push(cid);
        keyOf[cid] = key;
        honest[cid] = isHonest;
    }

    function channelCount() external view returns (uint256) {
        return channelIds.length;
    }

    function earnerCount() external view returns (uint256) {
        return earners.length;
    }

    function _sign(bytes32 cid, uint256 modelId, uint256 cumulative, uint16 bps)
        private
        view
        returns (IPaymentChannels.SignedVoucher memory sv)
    {
        sv.voucher = IPaymentChannels.Voucher({channelId: cid, modelId: modelId, cumulativeAmount: cumulative, feeShareBps: bps});
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(keyOf[cid], channels.hashVoucher(sv.voucher));
        sv.signature = abi.encodePacked(r, s, v);
        sv.claimTo = sv.voucher.cumulativeAmount;
    }

    function _operatorOf(bytes32 cid) private view returns (address op) {
        (, op,,,,,) = channels.channel(cid);
    }

    /// The honest node serves a request: accepts a voucher if the channel still covers it.
    function serve(uint256 c, uint256 m, uint256 price) external {
        bytes32 cid = channelIds[c % channelIds.length];
        if (!honest[cid]) return;
        uint256 modelId = models[m % MODELS];
        (,,,, uint256 balance, uint256 thawAmount, uint48 thawEnd) = channels.channel(cid);
        uint256 outstanding;
        for (uint256 i; i < MODELS; ++i) {
            outstanding += accepted[cid][models[i]] - channels.settled(cid, models[i]);
        }
        uint256 reserved = thawEnd != 0 ? thawAmount : 0;
        if (balance < reserved + outstanding) return;
        uint256 room = balance - reserved - outstanding;
        price = bound(price, 1, 5e6);
        if (price > room) return;
        uint256 next = accepted[cid][modelId] + price;
        if (next <= channels.settled(cid, modelId)) return;
        _held[cid][modelId] = _sign(cid, modelId, next, shares.feeShareBps(modelId));
        accepted[cid][modelId] = next;
        ghostAcceptedTotal += price;
    }

    /// The honest node settles everything it holds on one channel.
    function settleChannel(uint256 c) public {
        bytes32 cid = channelIds[c % channelIds.length];
        if (!honest[cid]) return;
        uint256 n;
        for (uint256 i; i < MODELS; ++i) {
            if (accepted[cid][models[i]] > channels.settled(cid, models[i])) ++n;
        }
        if (n == 0) return;
        IPaymentChannels.SignedVoucher[] memory svs = new IPaymentChannels.SignedVoucher[](n);
        n = 0;
        for (uint256 i; i < MODELS; ++i) {
            if (accepted[cid][models[i]] > channels.settled(cid, models[i])) svs[n++] = _held[cid][models[i]];
        }
        vm.prank(node);
        channels.settleMany(svs);
    }

    /// A payer asks to withdraw. The honest node settles later, but inside the thaw (see `warp`).
    function requestWithdrawal(uint256 c, uint256 amount) external {
        bytes32 cid = channelIds[c % channelIds.length];
        (address payer,,,, uint256 balance,,) = channels.channel(cid);
        if (balance == 0) return;
        vm.prank(payer);
        channels.requestWithdrawal(cid, bound(amount, 0, balance));
    }

    function withdraw(uint256 c) external {
        bytes32 cid = channelIds[c % channelIds.length];
        (address payer,,,,,,) = channels.channel(cid);
        uint256 before = usd.balanceOf(payer);
        vm.prank(payer);
        try channels.withdraw(cid) returns (uint256 amount) {
            assertEq(usd.balanceOf(payer) - before, amount);
            ghostOut += amount;
        } catch {}
    }

    function deposit(uint256 c, uint256 amount) external {
        bytes32 cid = channelIds[c % channelIds.length];
        amount = bound(amount, 1, 100e6);
        deal(address(usd), stranger, amount, true);
        vm.startPrank(stranger);
        usd.approve(address(channels), amount);
        channels.deposit(cid, amount);
        vm.stopPrank();
        ghostIn += amount;
    }

    /// The payer settles vouchers it signed itself: to its own channel, or through its accomplice.
    function payerSelfDeal(uint256 c, uint256 m, uint256 cumulative) external {
        bytes32 cid = channelIds[c % channelIds.length];
        if (honest[cid]) return;
        uint256 modelId = models[m % MODELS];
        address op = _operatorOf(cid);
        cumulative = bound(cumulative, 1, 3_000e6);
        IPaymentChannels.SignedVoucher memory sv = _sign(cid, modelId, cumulative, uint16(bound(cumulative, 0, 10_000)));
        vm.prank(op);
        try channels.settle(sv) {} catch {}
    }

    /// Anyone (accomplice, stranger, the payer) replays or forges against the honest channels.
    function attackHonest(uint256 c, uint256 m, uint256 who, uint256 cumulative) external {
        bytes32 cid = channelIds[c % channelIds.length];
        if (!honest[cid]) return;
        uint256 modelId = models[m % MODELS];
        (address payer,,,,,,) = channels.channel(cid);
        address[3] memory attackers = [accomplice, stranger, payer];
        address attacker = attackers[who % 3];
        uint256 before = channels.earnings(attacker);
        IPaymentChannels.SignedVoucher memory sv = _sign(cid, modelId, bound(cumulative, 1, 3_000e6), 0);
        vm.prank(attacker);
        try channels.settle(sv) {} catch {}
        vm.prank(attacker);
        try channels.requestWithdrawal(cid, 1) {} catch {}
        vm.prank(attacker);
        try channels.withdraw(cid) returns (uint256 amount) {
            ghostOut += amount;
        } catch {}
        if (channels.earnings(attacker) != before && attacker != payer) ghostReplayPaid += 1;
        // The node replays the vouchers it already settled: pays nothing.
        uint256 settledBefore = channels.settled(cid, modelId);
        if (accepted[cid][modelId] != 0 && accepted[cid][modelId] <= settledBefore) {
            vm.prank(node);
            try channels.settle(_held[cid][modelId]) {
                ghostReplayPaid += 1;
            } catch {}
        }
    }

    /// The admin reschedules a model's split mid-flight.
    function rescheduleSplit(uint256 m, uint256 bps) external {
        _rescheduleSplit(shares, models[m % MODELS], bps);
    }

    function withdrawEarnings(uint256 e) external {
        address who = earners[e % earners.length];
        uint256 before = usd.balanceOf(who);
        vm.prank(who);
        try channels.withdrawEarnings() returns (uint256 amount) {
            assertEq(usd.balanceOf(who) - before, amount);
            ghostOut += amount;
        } catch {}
    }

    /// Time passes, but the honest node never lets a thaw end unsettled (settles every channel first).
    function warp(uint256 secs) external {
        for (uint256 i; i < channelIds.length; ++i) {
            if (honest[channelIds[i]]) settleChannel(i);
        }
        vm.warp(block.timestamp + bound(secs, 1, 3 days));
    }
}
