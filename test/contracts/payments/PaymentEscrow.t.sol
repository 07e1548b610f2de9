// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {BaseTest} from "../utils/BaseTest.sol";
import {ModelShares} from "../../../contracts/shares/ModelShares.sol";
import {IModelShares} from "../../../contracts/interfaces/IModelShares.sol";
import {PaymentEscrow} from "../../../contracts/payments/PaymentEscrow.sol";
import {IPaymentEscrow} from "../../../contracts/interfaces/IPaymentEscrow.sol";
import {MockSmartWallet} from "../mocks/MockSmartWallet.sol";

contract PaymentEscrowTest is BaseTest {
    PaymentEscrow internal escrow;
    uint256 internal id;
    uint256 internal payerKey = 0xA11CE;
    address internal payer;
    address internal operator = makeAddr("operator");
    uint64 internal constant NOTICE = 1 days;

    function setUp() public override {
        super.setUp();
        escrow = new PaymentEscrow(shares, NOTICE);
        id = _createModel(creator, SUPPLY, 2_000);
        payer = vm.addr(payerKey);
        _fundAndDeposit(payer, 1_000e6);
    }

    function _fundAndDeposit(address who, uint256 amount) internal {
        _fund(who, amount);
        vm.startPrank(who);
        usd.approve(address(escrow), amount);
        escrow.deposit(amount);
        vm.stopPrank();
    }

    function _voucher(address p, address op, uint256 modelId, uint256 cumulative, uint64 expiry)
        internal
        pure
        returns (IPaymentEscrow.Voucher memory)
    {
        return IPaymentEscrow.Voucher({
            payer: p, operator: op, modelId: modelId, cumulativeAmount: cumulative, expiry: expiry
        });
    }

    function _sign(uint256 key, IPaymentEscrow.Voucher memory v) internal view returns (bytes memory) {
        (uint8 v8, bytes32 r, bytes32 s) = vm.sign(key, escrow.hashVoucher(v));
        return abi.encodePacked(r, s, v8);
    }

    function _settle(IPaymentEscrow.Voucher memory v, bytes memory sig, uint256 amount) internal {
        vm.prank(v.operator);
        escrow.settle(v, sig, amount);
    }

    // ------------------------------------------------------------ constructor

    function test_constructor_wiresTokenAndApproval() public view {
        assertEq(address(escrow.shares()), address(shares));
        assertEq(address(escrow.paymentToken()), address(usd));
        assertEq(escrow.withdrawalNotice(), NOTICE);
        assertEq(usd.allowance(address(escrow), address(shares)), type(uint256).max);
    }

    function test_constructor_revertsOnZeroShares() public {
        vm.expectRevert(IPaymentEscrow.PaymentEscrowZeroAddress.selector);
        new PaymentEscrow(ModelShares(address(0)), 1);
    }

    // ---------------------------------------------------------------- deposit

    function test_deposit_creditsCaller() public {
        _fund(alice, 50);
        vm.startPrank(alice);
        usd.approve(address(escrow), 50);
        vm.expectEmit(address(escrow));
        emit IPaymentEscrow.Deposited(alice, alice, 50);
        escrow.deposit(50);
        vm.stopPrank();
        assertEq(escrow.depositOf(alice), 50);
        assertEq(usd.balanceOf(address(escrow)), 1_000e6 + 50);
    }

    function test_deposit_revertsOnZero() public {
        vm.expectRevert(IPaymentEscrow.PaymentEscrowZeroAmount.selector);
        escrow.deposit(0);
    }

    function test_deposit_revertsWithoutAllowance() public {
        _fund(alice, 50);
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, address(escrow), 0, 50)
        );
        escrow.deposit(50);
    }

    function test_depositFor_creditsPayer() public {
        _fund(alice, 70);
        vm.startPrank(alice);
        usd.approve(address(escrow), 70);
        vm.expectEmit(address(escrow));
        emit IPaymentEscrow.Deposited(bob, alice, 70);
        escrow.depositFor(bob, 70);
        vm.stopPrank();
        assertEq(escrow.depositOf(bob), 70);
        assertEq(escrow.depositOf(alice), 0);
    }

    function test_depositFor_revertsOnZeroPayer() public {
        vm.expectRevert(IPaymentEscrow.PaymentEscrowZeroAddress.selector);
        escrow.depositFor(address(0), 1);
    }

    function _permitSig(uint256 key, uint256 value, uint256 deadline)
        internal
        view
        returns (uint8 v, bytes32 r, bytes32 s)
    {
        address owner = vm.addr(key);
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"),
                owner,
                address(escrow),
                value,
                usd.nonces(owner),
                deadline
            )
        );
        return vm.sign(key, keccak256(abi.encodePacked("\x19\x01", usd.DOMAIN_SEPARATOR(), structHash)));
    }

    function test_depositWithPermit_deposits() public {
        uint256 key = 0xBEEF;
        address owner = vm.addr(key);
        _fund(owner, 100);
        (uint8 v, bytes32 r, bytes32 s) = _permitSig(key, 100, block.timestamp + 1);
        vm.prank(owner);
        escrow.depositWithPermit(100, block.timestamp + 1, v, r, s);
        assertEq(escrow.depositOf(owner), 100);
    }

    function test_depositWithPermit_toleratesFrontRunPermit() public {
        uint256 key = 0xBEEF;
        address owner = vm.addr(key);
        _fund(owner, 100);
        (uint8 v, bytes32 r, bytes32 s) = _permitSig(key, 100, block.timestamp + 1);
        // Someone submits the permit first; the nonce is used, the allowance is there.
        usd.permit(owner, address(escrow), 100, block.timestamp + 1, v, r, s);
        vm.prank(owner);
        escrow.depositWithPermit(100, block.timestamp + 1, v, r, s);
        assertEq(escrow.depositOf(owner), 100);
    }

    function test_depositWithPermit_revertsWhenPermitFailsAndNoAllowance() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IPaymentEscrow.PaymentEscrowInsufficientAllowance.selector, 0, 100));
        escrow.depositWithPermit(100, block.timestamp, 27, bytes32(uint256(1)), bytes32(uint256(2)));
    }

    // ----------------------------------------------------------------- settle

    function test_settle_splitsFeeAndEarnings() public {
        IPaymentEscrow.Voucher memory v = _voucher(payer, operator, id, 100e6, 0);
        vm.expectEmit(address(escrow));
        emit IPaymentEscrow.Settled(payer, operator, id, 60e6, 12e6, 60e6);
        _settle(v, _sign(payerKey, v), 60e6);
        assertEq(escrow.settled(payer, operator, id), 60e6);
        assertEq(escrow.depositOf(payer), 940e6);
        assertEq(escrow.operatorBalance(operator), 48e6);
        assertEq(shares.claimable(id, creator), 12e6);
        assertEq(usd.balanceOf(address(shares)), 12e6);
        assertEq(usd.balanceOf(address(escrow)), 988e6);
    }

    function test_settle_cumulativeVouchersPayOnlyDelta() public {
        IPaymentEscrow.Voucher memory v1 = _voucher(payer, operator, id, 10e6, 0);
        bytes memory s1 = _sign(payerKey, v1);
        _settle(v1, s1, 10e6);
        // Replaying the same voucher pays nothing.
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(IPaymentEscrow.PaymentEscrowClaimExceedsVoucher.selector, 1, 0));
        escrow.settle(v1, s1, 1);
        IPaymentEscrow.Voucher memory v2 = _voucher(payer, operator, id, 25e6, 0);
        _settle(v2, _sign(payerKey, v2), 15e6);
        assertEq(escrow.settled(payer, operator, id), 25e6);
        assertEq(escrow.depositOf(payer), 975e6);
    }

    function test_settle_zeroFeeShareSkipsDeposit() public {
        vm.prank(creator);
        shares.setFeeShareBps(id, 0);
        IPaymentEscrow.Voucher memory v = _voucher(payer, operator, id, 5, 0);
        _settle(v, _sign(payerKey, v), 5);
        assertEq(escrow.operatorBalance(operator), 5);
        assertEq(usd.balanceOf(address(shares)), 0);
    }

    function test_settle_revertsForNonOperator() public {
        IPaymentEscrow.Voucher memory v = _voucher(payer, operator, id, 5, 0);
        bytes memory sig = _sign(payerKey, v);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IPaymentEscrow.PaymentEscrowNotOperator.selector, alice, operator));
        escrow.settle(v, sig, 5);
    }

    function test_settle_revertsOnZeroClaim() public {
        IPaymentEscrow.Voucher memory v = _voucher(payer, operator, id, 5, 0);
        bytes memory sig = _sign(payerKey, v);
        vm.prank(operator);
        vm.expectRevert(IPaymentEscrow.PaymentEscrowZeroAmount.selector);
        escrow.settle(v, sig, 0);
    }

    function test_settle_revertsWhenExpired() public {
        uint64 expiry = uint64(block.timestamp + 10);
        IPaymentEscrow.Voucher memory v = _voucher(payer, operator, id, 5, expiry);
        bytes memory sig = _sign(payerKey, v);
        vm.warp(expiry + 1);
        vm.prank(operator);
        vm.expectRevert(
            abi.encodeWithSelector(IPaymentEscrow.PaymentEscrowVoucherExpired.selector, expiry, expiry + 1)
        );
        escrow.settle(v, sig, 5);
    }

    function test_settle_acceptsAtExpiry() public {
        uint64 expiry = uint64(block.timestamp + 10);
        IPaymentEscrow.Voucher memory v = _voucher(payer, operator, id, 5, expiry);
        bytes memory sig = _sign(payerKey, v);
        vm.warp(expiry);
        _settle(v, sig, 5);
        assertEq(escrow.settled(payer, operator, id), 5);
    }

    function test_settle_revertsAboveVoucher() public {
        IPaymentEscrow.Voucher memory v = _voucher(payer, operator, id, 5, 0);
        bytes memory sig = _sign(payerKey, v);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(IPaymentEscrow.PaymentEscrowClaimExceedsVoucher.selector, 6, 5));
        escrow.settle(v, sig, 6);
    }

    function test_settle_revertsAboveDeposit() public {
        IPaymentEscrow.Voucher memory v = _voucher(payer, operator, id, 2_000e6, 0);
        bytes memory sig = _sign(payerKey, v);
        vm.prank(operator);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPaymentEscrow.PaymentEscrowInsufficientDeposit.selector, payer, 1_500e6, 1_000e6
            )
        );
        escrow.settle(v, sig, 1_500e6);
    }

    function test_settle_revertsOnWrongSigner() public {
        IPaymentEscrow.Voucher memory v = _voucher(payer, operator, id, 5, 0);
        bytes memory sig = _sign(0xBAD, v);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(IPaymentEscrow.PaymentEscrowInvalidSignature.selector, payer));
        escrow.settle(v, sig, 5);
    }

    function test_settle_revertsOnTamperedVoucher() public {
        IPaymentEscrow.Voucher memory v = _voucher(payer, operator, id, 5, 0);
        bytes memory sig = _sign(payerKey, v);
        v.cumulativeAmount = 500;
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(IPaymentEscrow.PaymentEscrowInvalidSignature.selector, payer));
        escrow.settle(v, sig, 500);
    }

    function test_settle_revertsOnMalformedSignature() public {
        IPaymentEscrow.Voucher memory v = _voucher(payer, operator, id, 5, 0);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(IPaymentEscrow.PaymentEscrowInvalidSignature.selector, payer));
        escrow.settle(v, hex"1234", 5);
    }

    function test_settle_revertsForUnknownModel() public {
        IPaymentEscrow.Voucher memory v = _voucher(payer, operator, 42, 5, 0);
        bytes memory sig = _sign(payerKey, v);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(IModelShares.ModelSharesUnknownModel.selector, 42));
        escrow.settle(v, sig, 5);
    }

    function test_settle_signatureBoundToChainAndContract() public {
        IPaymentEscrow.Voucher memory v = _voucher(payer, operator, id, 5, 0);
        bytes memory sig = _sign(payerKey, v);
        PaymentEscrow other = new PaymentEscrow(shares, NOTICE);
        assertTrue(other.hashVoucher(v) != escrow.hashVoucher(v));
        vm.chainId(999);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(IPaymentEscrow.PaymentEscrowInvalidSignature.selector, payer));
        escrow.settle(v, sig, 5);
    }

    function test_hashVoucher_matchesEip712() public view {
        IPaymentEscrow.Voucher memory v = _voucher(payer, operator, id, 5, 77);
        bytes32 domain = keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256("modeldao PaymentEscrow"),
                keccak256("1"),
                block.chainid,
                address(escrow)
            )
        );
        assertEq(escrow.domainSeparator(), domain);
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256(
                    "Voucher(address payer,address operator,uint256 modelId,uint256 cumulativeAmount,uint64 expiry)"
                ),
                payer,
                operator,
                id,
                uint256(5),
                uint64(77)
            )
        );
        assertEq(escrow.VOUCHER_TYPEHASH(), keccak256(
            "Voucher(address payer,address operator,uint256 modelId,uint256 cumulativeAmount,uint64 expiry)"
        ));
        assertEq(escrow.hashVoucher(v), keccak256(abi.encodePacked("\x19\x01", domain, structHash)));
    }

    // --------------------------------------------------------------- EIP-1271

    function test_settle_acceptsSmartWalletSignature() public {
        uint256 ownerKey = 0x0123;
        MockSmartWallet wallet = new MockSmartWallet(vm.addr(ownerKey));
        _fundAndDeposit(address(wallet), 100);
        IPaymentEscrow.Voucher memory v = _voucher(address(wallet), operator, id, 100, 0);
        _settle(v, _sign(ownerKey, v), 100);
        assertEq(escrow.settled(address(wallet), operator, id), 100);
        assertEq(escrow.depositOf(address(wallet)), 0);
    }

    function test_settle_rejectsWrongSmartWalletSignature() public {
        MockSmartWallet wallet = new MockSmartWallet(vm.addr(0x0123));
        _fundAndDeposit(address(wallet), 100);
        IPaymentEscrow.Voucher memory v = _voucher(address(wallet), operator, id, 100, 0);
        bytes memory sig = _sign(0x0456, v);
        vm.prank(operator);
        vm.expectRevert(
            abi.encodeWithSelector(IPaymentEscrow.PaymentEscrowInvalidSignature.selector, address(wallet))
        );
        escrow.settle(v, sig, 100);
    }

    // ------------------------------------------------------------- settleMany

    function test_settleMany_settlesAcrossPayersAndModels() public {
        uint256 id2 = _createModel(alice, 100, 5_000);
        uint256 key2 = 0xB0B;
        address payer2 = vm.addr(key2);
        _fundAndDeposit(payer2, 500e6);
        IPaymentEscrow.Voucher[] memory vs = new IPaymentEscrow.Voucher[](3);
        bytes[] memory sigs = new bytes[](3);
        uint256[] memory amounts = new uint256[](3);
        vs[0] = _voucher(payer, operator, id, 100e6, 0);
        vs[1] = _voucher(payer2, operator, id, 50e6, 0);
        vs[2] = _voucher(payer2, operator, id2, 40e6, 0);
        sigs[0] = _sign(payerKey, vs[0]);
        sigs[1] = _sign(key2, vs[1]);
        sigs[2] = _sign(key2, vs[2]);
        amounts[0] = 100e6;
        amounts[1] = 50e6;
        amounts[2] = 40e6;
        vm.prank(operator);
        escrow.settleMany(vs, sigs, amounts);
        assertEq(escrow.depositOf(payer), 900e6);
        assertEq(escrow.depositOf(payer2), 410e6);
        // 20% of 150e6 on id, 50% of 40e6 on id2.
        assertEq(shares.claimable(id, creator), 30e6);
        assertEq(shares.claimable(id2, alice), 20e6);
        assertEq(escrow.operatorBalance(operator), 120e6 + 20e6);
    }

    function test_settleMany_revertsOnLengthMismatch() public {
        IPaymentEscrow.Voucher[] memory vs = new IPaymentEscrow.Voucher[](1);
        vm.expectRevert(IPaymentEscrow.PaymentEscrowLengthMismatch.selector);
        escrow.settleMany(vs, new bytes[](0), new uint256[](1));
        vm.expectRevert(IPaymentEscrow.PaymentEscrowLengthMismatch.selector);
        escrow.settleMany(vs, new bytes[](1), new uint256[](0));
    }

    function test_settleMany_revertsAllOnOneBadVoucher() public {
        IPaymentEscrow.Voucher[] memory vs = new IPaymentEscrow.Voucher[](2);
        bytes[] memory sigs = new bytes[](2);
        uint256[] memory amounts = new uint256[](2);
        vs[0] = _voucher(payer, operator, id, 10, 0);
        vs[1] = _voucher(payer, alice, id, 10, 0);
        sigs[0] = _sign(payerKey, vs[0]);
        sigs[1] = _sign(payerKey, vs[1]);
        amounts[0] = 10;
        amounts[1] = 10;
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(IPaymentEscrow.PaymentEscrowNotOperator.selector, operator, alice));
        escrow.settleMany(vs, sigs, amounts);
        assertEq(escrow.settled(payer, operator, id), 0);
    }

    function test_settleMany_duplicateVoucherCannotPayTwice() public {
        IPaymentEscrow.Voucher[] memory vs = new IPaymentEscrow.Voucher[](2);
        bytes[] memory sigs = new bytes[](2);
        uint256[] memory amounts = new uint256[](2);
        vs[0] = _voucher(payer, operator, id, 10, 0);
        vs[1] = vs[0];
        sigs[0] = _sign(payerKey, vs[0]);
        sigs[1] = sigs[0];
        amounts[0] = 10;
        amounts[1] = 10;
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(IPaymentEscrow.PaymentEscrowClaimExceedsVoucher.selector, 10, 0));
        escrow.settleMany(vs, sigs, amounts);
    }

    function test_settleMany_emptyIsNoop() public {
        vm.prank(operator);
        escrow.settleMany(new IPaymentEscrow.Voucher[](0), new bytes[](0), new uint256[](0));
        assertEq(escrow.operatorBalance(operator), 0);
    }

    // ------------------------------------------------------------ withdrawals

    function test_requestWithdrawal_recordsRequest() public {
        vm.expectEmit(address(escrow));
        emit IPaymentEscrow.WithdrawalRequested(payer, 300e6, uint64(block.timestamp + NOTICE));
        vm.prank(payer);
        escrow.requestWithdrawal(300e6);
        (uint256 amount, uint64 readyAt) = escrow.pendingWithdrawal(payer);
        assertEq(amount, 300e6);
        assertEq(readyAt, block.timestamp + NOTICE);
    }

    function test_requestWithdrawal_revertsAboveDeposit() public {
        vm.prank(payer);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPaymentEscrow.PaymentEscrowInsufficientDeposit.selector, payer, 1_000e6 + 1, 1_000e6
            )
        );
        escrow.requestWithdrawal(1_000e6 + 1);
    }

    function test_requestWithdrawal_zeroCancels() public {
        vm.startPrank(payer);
        escrow.requestWithdrawal(1);
        vm.expectEmit(address(escrow));
        emit IPaymentEscrow.WithdrawalCancelled(payer);
        escrow.requestWithdrawal(0);
        vm.stopPrank();
        (, uint64 readyAt) = escrow.pendingWithdrawal(payer);
        assertEq(readyAt, 0);
    }

    function test_cancelWithdrawal_clearsRequest() public {
        vm.startPrank(payer);
        escrow.requestWithdrawal(1);
        escrow.cancelWithdrawal();
        vm.stopPrank();
        (uint256 amount,) = escrow.pendingWithdrawal(payer);
        assertEq(amount, 0);
    }

    function test_cancelWithdrawal_revertsWithoutRequest() public {
        vm.prank(payer);
        vm.expectRevert(abi.encodeWithSelector(IPaymentEscrow.PaymentEscrowNoWithdrawalRequest.selector, payer));
        escrow.cancelWithdrawal();
    }

    function test_withdraw_paysAfterNotice() public {
        vm.prank(payer);
        escrow.requestWithdrawal(300e6);
        vm.warp(block.timestamp + NOTICE);
        vm.expectEmit(address(escrow));
        emit IPaymentEscrow.Withdrawn(payer, 300e6);
        vm.prank(payer);
        assertEq(escrow.withdraw(), 300e6);
        assertEq(usd.balanceOf(payer), 300e6);
        assertEq(escrow.depositOf(payer), 700e6);
        (, uint64 readyAt) = escrow.pendingWithdrawal(payer);
        assertEq(readyAt, 0);
    }

    function test_withdraw_paysCurrentDepositWhenSettledDuringNotice() public {
        vm.prank(payer);
        escrow.requestWithdrawal(1_000e6);
        IPaymentEscrow.Voucher memory v = _voucher(payer, operator, id, 400e6, 0);
        _settle(v, _sign(payerKey, v), 400e6);
        vm.warp(block.timestamp + NOTICE);
        vm.prank(payer);
        assertEq(escrow.withdraw(), 600e6);
        assertEq(escrow.depositOf(payer), 0);
    }

    function test_withdraw_revertsBeforeNotice() public {
        vm.prank(payer);
        escrow.requestWithdrawal(1);
        uint64 readyAt = uint64(block.timestamp + NOTICE);
        vm.warp(readyAt - 1);
        vm.prank(payer);
        vm.expectRevert(
            abi.encodeWithSelector(IPaymentEscrow.PaymentEscrowWithdrawalNotReady.selector, readyAt, readyAt - 1)
        );
        escrow.withdraw();
    }

    function test_withdraw_revertsWithoutRequest() public {
        vm.prank(payer);
        vm.expectRevert(abi.encodeWithSelector(IPaymentEscrow.PaymentEscrowNoWithdrawalRequest.selector, payer));
        escrow.withdraw();
    }

    function test_withdrawEarnings_paysOperator() public {
        IPaymentEscrow.Voucher memory v = _voucher(payer, operator, id, 100e6, 0);
        _settle(v, _sign(payerKey, v), 100e6);
        vm.expectEmit(address(escrow));
        emit IPaymentEscrow.EarningsWithdrawn(operator, 80e6);
        vm.prank(operator);
        assertEq(escrow.withdrawEarnings(), 80e6);
        assertEq(usd.balanceOf(operator), 80e6);
        assertEq(escrow.operatorBalance(operator), 0);
    }

    function test_withdrawEarnings_revertsWhenNothing() public {
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(IPaymentEscrow.PaymentEscrowNothingToWithdraw.selector, operator));
        escrow.withdrawEarnings();
    }

    // ------------------------------------------------------------------- fuzz

    function testFuzz_settle_splitsExactly(uint256 deposit, uint256 cumulative, uint256 claim, uint16 bps) public {
        bps = uint16(bound(bps, 0, 10_000));
        deposit = bound(deposit, 1, 1e30);
        cumulative = bound(cumulative, 1, 1e30);
        claim = bound(claim, 1, cumulative < deposit ? cumulative : deposit);
        vm.prank(creator);
        shares.setFeeShareBps(id, bps);
        uint256 key = 0xF00D;
        address p = vm.addr(key);
        _fundAndDeposit(p, deposit);
        IPaymentEscrow.Voucher memory v = _voucher(p, operator, id, cumulative, 0);
        _settle(v, _sign(key, v), claim);
        uint256 fee = claim * bps / 10_000;
        assertEq(escrow.operatorBalance(operator), claim - fee);
        (uint256 feesIn,) = shares.feePool(id);
        assertEq(feesIn, fee);
        assertEq(escrow.depositOf(p), deposit - claim);
        assertEq(usd.balanceOf(address(escrow)), 1_000e6 + deposit - fee);
        assertEq(escrow.settled(p, operator, id), claim);
    }

    function testFuzz_settle_neverExceedsCumulative(uint256 cumulative, uint256 first, uint256 second) public {
        cumulative = bound(cumulative, 1, 1_000e6);
        first = bound(first, 1, cumulative);
        second = bound(second, 1, 2_000e6);
        IPaymentEscrow.Voucher memory v = _voucher(payer, operator, id, cumulative, 0);
        bytes memory sig = _sign(payerKey, v);
        _settle(v, sig, first);
        uint256 left = cumulative - first;
        vm.prank(operator);
        if (second > left) {
            vm.expectRevert(
                abi.encodeWithSelector(IPaymentEscrow.PaymentEscrowClaimExceedsVoucher.selector, second, left)
            );
        }
        escrow.settle(v, sig, second);
        assertLe(escrow.settled(payer, operator, id), cumulative);
    }

    function testFuzz_withdraw_paysMinOfRequestAndDeposit(uint256 request, uint256 spent) public {
        request = bound(request, 1, 1_000e6);
        spent = bound(spent, 0, 1_000e6);
        vm.prank(payer);
        escrow.requestWithdrawal(request);
        if (spent != 0) {
            IPaymentEscrow.Voucher memory v = _voucher(payer, operator, id, spent, 0);
            _settle(v, _sign(payerKey, v), spent);
        }
        vm.warp(block.timestamp + NOTICE);
        uint256 remaining = 1_000e6 - spent;
        vm.prank(payer);
        uint256 paid = escrow.withdraw();
        assertEq(paid, request < remaining ? request : remaining);
        assertEq(escrow.depositOf(payer), remaining - paid);
    }

    function testFuzz_settleMany_feeIsSumOfPerVoucherFloors(uint256[4] memory claims, uint16 bps) public {
        bps = uint16(bound(bps, 0, 10_000));
        vm.prank(creator);
        shares.setFeeShareBps(id, bps);
        IPaymentEscrow.Voucher[] memory vs = new IPaymentEscrow.Voucher[](4);
        bytes[] memory sigs = new bytes[](4);
        uint256[] memory amounts = new uint256[](4);
        uint256 expectedFee;
        uint256 total;
        for (uint256 i; i < 4; ++i) {
            uint256 key = 0xC000 + i;
            address p = vm.addr(key);
            amounts[i] = bound(claims[i], 1, 1e24);
            _fundAndDeposit(p, amounts[i]);
            vs[i] = _voucher(p, operator, id, amounts[i], 0);
            sigs[i] = _sign(key, vs[i]);
            expectedFee += amounts[i] * bps / 10_000;
            total += amounts[i];
        }
        vm.prank(operator);
        escrow.settleMany(vs, sigs, amounts);
        (uint256 feesIn,) = shares.feePool(id);
        assertEq(feesIn, expectedFee);
        assertEq(escrow.operatorBalance(operator), total - expectedFee);
        assertEq(usd.balanceOf(address(escrow)), 1_000e6 + total - expectedFee);
    }

    function testFuzz_depositFor_creditsExactly(address beneficiary, uint256 amount) public {
        vm.assume(beneficiary != address(0) && beneficiary != payer);
        amount = bound(amount, 1, 1e30);
        _fund(alice, amount);
        vm.startPrank(alice);
        usd.approve(address(escrow), amount);
        escrow.depositFor(beneficiary, amount);
        vm.stopPrank();
        assertEq(escrow.depositOf(beneficiary), amount);
        assertEq(usd.balanceOf(address(escrow)), 1_000e6 + amount);
    }
}
