// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {TestUSD} from "../../../contracts/mocks/TestUSD.sol";
import {ModelShares} from "../../../contracts/shares/ModelShares.sol";
import {ShareOffering} from "../../../contracts/shares/ShareOffering.sol";
import {PaymentEscrow} from "../../../contracts/payments/PaymentEscrow.sol";
import {IPaymentEscrow} from "../../../contracts/interfaces/IPaymentEscrow.sol";
import {IShareOffering} from "../../../contracts/interfaces/IShareOffering.sol";

/// @notice Drives escrow deposits, voucher settlement (incl. replays and batches), withdrawals, share offerings,
///         share transfers and fee claims, tracking every payment-token unit that enters or leaves.
contract PaymentSystemHandler is Test {
    ModelShares public immutable shares;
    PaymentEscrow public immutable escrow;
    ShareOffering public immutable offering;
    TestUSD public immutable usd;

    uint256[] public payerKeys;
    address[] public payers;
    address[] public operators;
    address[] public holders; // creator first, then buyers
    uint256[] public ids;

    // Token flows of the escrow/fee system (buy proceeds go buyer -> seller directly and are not tracked).
    uint256 public ghostDepositedIn;
    uint256 public ghostWithdrawn;
    uint256 public ghostEarningsWithdrawn;
    uint256 public ghostFeesClaimed;
    uint256 public ghostSellerFeesWithdrawn;
    bool public ghostReplayPaid;

    mapping(bytes32 key => uint256) public ghostPaid;
    mapping(bytes32 key => uint256) public ghostMaxSigned;
    mapping(bytes32 key => IPaymentEscrow.Voucher) internal _lastVoucher;
    mapping(bytes32 key => bytes) internal _lastSig;

    constructor(ModelShares shares_, PaymentEscrow escrow_, ShareOffering offering_, TestUSD usd_) {
        shares = shares_;
        escrow = escrow_;
        offering = offering_;
        usd = usd_;
        for (uint256 i; i < 3; ++i) {
            payerKeys.push(0xA000 + i);
            payers.push(vm.addr(0xA000 + i));
        }
        operators.push(makeAddr("op0"));
        operators.push(makeAddr("op1"));
        holders.push(makeAddr("creator"));
        holders.push(makeAddr("buyer0"));
        holders.push(makeAddr("buyer1"));
        vm.startPrank(holders[0]);
        ids.push(shares.createModel("cid-1", 1_000, 0, 2_000, 0));
        // With a royalty: resales pay it to the creator.
        ids.push(shares.createModel("cid-2", 997, 750, 3_333, 0));
        vm.stopPrank();
        for (uint256 i; i < holders.length; ++i) {
            vm.prank(holders[i]);
            shares.setApprovalForAll(address(offering), true);
        }
    }

    function key(address payer, address operator, uint256 id) public pure returns (bytes32) {
        return keccak256(abi.encode(payer, operator, id));
    }

    function counts() external view returns (uint256, uint256, uint256, uint256) {
        return (payers.length, operators.length, holders.length, ids.length);
    }

    // ------------------------------------------------------------------ escrow

    function deposit(uint256 payerSeed, uint256 amount) external {
        address payer = payers[payerSeed % payers.length];
        amount = bound(amount, 1, 1e12);
        deal(address(usd), payer, usd.balanceOf(payer) + amount, true);
        vm.startPrank(payer);
        usd.approve(address(escrow), amount);
        escrow.deposit(amount);
        vm.stopPrank();
        ghostDepositedIn += amount;
    }

    function _sign(uint256 pk, IPaymentEscrow.Voucher memory v) internal view returns (bytes memory) {
        (uint8 v8, bytes32 r, bytes32 s) = vm.sign(pk, escrow.hashVoucher(v));
        return abi.encodePacked(r, s, v8);
    }

    function _newVoucher(uint256 payerSeed, uint256 opSeed, uint256 idSeed, uint256 extra)
        internal
        returns (IPaymentEscrow.Voucher memory v, bytes memory sig, bytes32 k)
    {
        uint256 p = payerSeed % payers.length;
        address operator = operators[opSeed % operators.length];
        uint256 id = ids[idSeed % ids.length];
        k = key(payers[p], operator, id);
        uint256 cumulative = escrow.settled(payers[p], operator, id) + bound(extra, 1, 1e12);
        v = IPaymentEscrow.Voucher({payer: payers[p], operator: operator, modelId: id, cumulativeAmount: cumulative, expiry: 0});
        sig = _sign(payerKeys[p], v);
        if (cumulative > ghostMaxSigned[k]) ghostMaxSigned[k] = cumulative;
        _lastVoucher[k] = v;
        _lastSig[k] = sig;
    }

    function settle(uint256 payerSeed, uint256 opSeed, uint256 idSeed, uint256 extra, uint256 claimAmount) external {
        (IPaymentEscrow.Voucher memory v, bytes memory sig, bytes32 k) = _newVoucher(payerSeed, opSeed, idSeed, extra);
        uint256 available = v.cumulativeAmount - escrow.settled(v.payer, v.operator, v.modelId);
        uint256 dep = escrow.depositOf(v.payer);
        uint256 max = available < dep ? available : dep;
        if (max == 0) return;
        claimAmount = bound(claimAmount, 1, max);
        vm.prank(v.operator);
        escrow.settle(v, sig, claimAmount);
        ghostPaid[k] += claimAmount;
    }

    function settleMany(uint256 payerSeed, uint256 opSeed, uint256 idSeed, uint256 extra) external {
        (IPaymentEscrow.Voucher memory v0, bytes memory s0, bytes32 k0) = _newVoucher(payerSeed, opSeed, idSeed, extra);
        (IPaymentEscrow.Voucher memory v1, bytes memory s1, bytes32 k1) =
            _newVoucher(payerSeed + 1, opSeed, idSeed + 1, extra / 3);
        uint256 a0 = 1;
        uint256 a1 = 1;
        if (escrow.depositOf(v0.payer) < 1 || escrow.depositOf(v1.payer) < 1) return;
        IPaymentEscrow.Voucher[] memory vs = new IPaymentEscrow.Voucher[](2);
        bytes[] memory sigs = new bytes[](2);
        uint256[] memory amounts = new uint256[](2);
        (vs[0], vs[1], sigs[0], sigs[1], amounts[0], amounts[1]) = (v0, v1, s0, s1, a0, a1);
        vm.prank(v0.operator);
        try escrow.settleMany(vs, sigs, amounts) {
            ghostPaid[k0] += a0;
            ghostPaid[k1] += a1;
        } catch {}
    }

    /// @dev Re-submits the last voucher of a key for its full cumulative amount: must never pay past it.
    function replay(uint256 payerSeed, uint256 opSeed, uint256 idSeed) external {
        address payer = payers[payerSeed % payers.length];
        address operator = operators[opSeed % operators.length];
        uint256 id = ids[idSeed % ids.length];
        bytes32 k = key(payer, operator, id);
        IPaymentEscrow.Voucher memory v = _lastVoucher[k];
        if (v.payer == address(0)) return;
        uint256 done = escrow.settled(payer, operator, id);
        uint256 amount = v.cumulativeAmount - done + 1;
        vm.prank(operator);
        try escrow.settle(v, _lastSig[k], amount) {
            ghostReplayPaid = true;
            ghostPaid[k] += amount;
        } catch {}
    }

    function requestWithdrawal(uint256 payerSeed, uint256 amount) external {
        address payer = payers[payerSeed % payers.length];
        amount = bound(amount, 0, escrow.depositOf(payer));
        vm.prank(payer);
        try escrow.requestWithdrawal(amount) {} catch {}
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 1, 2 days));
    }

    function withdraw(uint256 payerSeed) external {
        address payer = payers[payerSeed % payers.length];
        vm.prank(payer);
        try escrow.withdraw() returns (uint256 paid) {
            ghostWithdrawn += paid;
        } catch {}
    }

    function withdrawEarnings(uint256 opSeed) external {
        address operator = operators[opSeed % operators.length];
        if (escrow.operatorBalance(operator) == 0) return;
        vm.prank(operator);
        ghostEarningsWithdrawn += escrow.withdrawEarnings();
    }

    // ------------------------------------------------------------ shares/fees

    function claimFees(uint256 holderSeed, uint256 idSeed) external {
        vm.prank(holders[holderSeed % holders.length]);
        ghostFeesClaimed += shares.claim(ids[idSeed % ids.length]);
    }

    function transferShares(uint256 fromSeed, uint256 toSeed, uint256 idSeed, uint256 amount) external {
        address from = holders[fromSeed % holders.length];
        address to = holders[toSeed % holders.length];
        uint256 id = ids[idSeed % ids.length];
        amount = bound(amount, 0, shares.balanceOf(from, id));
        vm.prank(from);
        shares.safeTransferFrom(from, to, id, amount, "");
    }

    // ------------------------------------------------------------ share market

    /// Offerings ever created (open or not), for the other actions to pick from.
    uint256[] public offeringIds;
    /// A call that must revert succeeded (a stranger cancelling, an early withdrawal...).
    bool public ghostUnauthorizedSucceeded;

    function offeringCount() external view returns (uint256) {
        return offeringIds.length;
    }

    /// Any holder sells any part of what it holds, open-ended or with an end, alongside other open offerings.
    function createOffering(uint256 sellerSeed, uint256 idSeed, uint256 amount, uint256 price, uint256 endSeed) external {
        address seller = holders[sellerSeed % holders.length];
        uint256 id = ids[idSeed % ids.length];
        uint256 bal = shares.balanceOf(seller, id);
        if (bal == 0) return;
        amount = bound(amount, 1, bal);
        price = bound(price, 1, 1e9);
        uint48 end = endSeed % 2 == 0 ? 0 : uint48(block.timestamp + 1 + endSeed % 30 days);
        vm.prank(seller);
        offeringIds.push(offering.createOffering(id, amount, price, usd, 0, end));
    }

    /// Any holder buys from any open offering, its own included.
    function buy(uint256 buyerSeed, uint256 offerSeed, uint256 amount) external {
        if (offeringIds.length == 0) return;
        address buyer = holders[buyerSeed % holders.length];
        uint256 oid = offeringIds[offerSeed % offeringIds.length];
        IShareOffering.Offering memory o = offering.getOffering(oid);
        if (o.remaining == 0 || (o.end != 0 && block.timestamp >= o.end)) return;
        amount = bound(amount, 1, o.remaining);
        uint256 cost = amount * o.pricePerShare;
        deal(address(usd), buyer, usd.balanceOf(buyer) + cost, true);
        vm.startPrank(buyer);
        usd.approve(address(offering), cost);
        offering.buy(oid, amount, cost);
        vm.stopPrank();
    }

    /// The seller cancels; a stranger's cancel must revert.
    function cancelOffering(uint256 offerSeed, uint256 callerSeed) external {
        if (offeringIds.length == 0) return;
        uint256 oid = offeringIds[offerSeed % offeringIds.length];
        IShareOffering.Offering memory o = offering.getOffering(oid);
        if (o.remaining == 0) return;
        address caller = holders[callerSeed % holders.length];
        vm.prank(caller);
        try offering.cancel(oid) {
            if (caller != o.seller) ghostUnauthorizedSucceeded = true;
        } catch {
            if (caller == o.seller) ghostUnauthorizedSucceeded = true; // the seller must always be able to cancel
        }
    }

    /// Anyone returns unsold shares after the end; before it, the call must revert.
    function withdrawUnsold(uint256 offerSeed, uint256 callerSeed) external {
        if (offeringIds.length == 0) return;
        uint256 oid = offeringIds[offerSeed % offeringIds.length];
        IShareOffering.Offering memory o = offering.getOffering(oid);
        if (o.remaining == 0) return;
        vm.prank(holders[callerSeed % holders.length]);
        try offering.withdrawUnsold(oid) {
            if (o.end == 0 || block.timestamp < o.end) ghostUnauthorizedSucceeded = true;
        } catch {
            if (o.end != 0 && block.timestamp >= o.end) ghostUnauthorizedSucceeded = true;
        }
    }

    function harvestSettleAndWithdraw(uint256 idSeed, uint256 offerSeed, uint256 holderSeed) external {
        offering.harvestFees(ids[idSeed % ids.length]);
        if (offeringIds.length > 0) offering.settleFees(offeringIds[offerSeed % offeringIds.length]);
        vm.prank(holders[holderSeed % holders.length]);
        ghostSellerFeesWithdrawn += offering.withdrawFees();
    }
}
