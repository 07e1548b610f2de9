// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PaymentChannels} from "../../../contracts/payments/PaymentChannels.sol";
import {IPaymentChannels} from "../../../contracts/interfaces/IPaymentChannels.sol";
import {ModelShares} from "../../../contracts/shares/ModelShares.sol";
import {MockSmartWallet} from "../mocks/MockSmartWallet.sol";
import {BaseTest} from "../utils/BaseTest.sol";

/// @notice Unit and fuzz tests of the channels, including one test per finding of the review of the old shared-deposit
///         escrow: each `test_finding_*` fails on that design (it is the attack, replayed against the channels).
contract PaymentChannelsTest is BaseTest {
    PaymentChannels internal channels;

    uint256 internal constant PAYER_KEY = 0xA11CE;
    uint256 internal constant SESSION_KEY = 0x5E55;
    address internal payer = vm.addr(PAYER_KEY);
    address internal operator = makeAddr("operator");
    address internal stranger = makeAddr("stranger");
    uint256 internal id;
    uint16 internal constant FEE = 2_000;
    uint64 internal constant DELAY = 1 days;

    function setUp() public override {
        super.setUp();
        channels = new PaymentChannels(shares);
        id = _createModel(creator, SUPPLY, FEE);
    }

    function _key(address p, address op, bytes32 salt) internal view returns (IPaymentChannels.ChannelKey memory) {
        return IPaymentChannels.ChannelKey({
            payer: p, operator: op, token: address(usd), withdrawalDelay: DELAY, salt: salt
        });
    }

    function _open(address p, address op, address authorizer, uint256 amount, bytes32 salt)
        internal
        returns (bytes32 channelId)
    {
        _fund(p, amount);
        vm.startPrank(p);
        usd.approve(address(channels), amount);
        channelId = channels.open(_key(p, op, salt), authorizer, amount);
        vm.stopPrank();
    }

    function _sign(uint256 key, bytes32 channelId, uint256 modelId, uint256 cumulative, uint16 bps)
        internal
        view
        returns (IPaymentChannels.SignedVoucher memory sv)
    {
        sv.voucher = IPaymentChannels.Voucher({
            channelId: channelId, modelId: modelId, cumulativeAmount: cumulative, feeShareBps: bps
        });
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, channels.hashVoucher(sv.voucher));
        sv.signature = abi.encodePacked(r, s, v);
        sv.claimTo = sv.voucher.cumulativeAmount;
    }

    function _settle(IPaymentChannels.SignedVoucher memory sv) internal returns (uint256) {
        vm.prank(operator);
        return channels.settle(sv);
    }

    function _pool() internal view returns (uint256 total) {
        (total,) = shares.feePool(id);
    }

    // ------------------------------------------------------------------ basics

    function test_open_recordsChannel() public {
        bytes32 cid = _open(payer, operator, payer, 100e6, "a");
        assertEq(cid, keccak256(abi.encode(_key(payer, operator, "a"))));
        assertEq(cid, channels.channelIdOf(_key(payer, operator, "a")));
        (address p, address op, address auth, uint64 delay, uint256 balance,, uint48 thawEnd) = channels.channel(cid);
        assertEq(p, payer);
        assertEq(op, operator);
        assertEq(auth, payer);
        assertEq(delay, DELAY);
        assertEq(balance, 100e6);
        assertEq(thawEnd, 0);
        assertEq(usd.balanceOf(address(channels)), 100e6);
    }

    function test_open_rejectsBadKeys() public {
        vm.startPrank(payer);
        IPaymentChannels.ChannelKey memory k = _key(payer, operator, "x");
        k.token = address(shares);
        vm.expectRevert(abi.encodeWithSelector(IPaymentChannels.ChannelWrongToken.selector, address(shares), address(usd)));
        channels.open(k, payer, 0);
        k = _key(payer, operator, "x");
        k.withdrawalDelay = 8 days;
        vm.expectRevert(abi.encodeWithSelector(IPaymentChannels.ChannelInvalidDelay.selector, 8 days, 15 minutes, 7 days));
        channels.open(k, payer, 0);
        vm.expectRevert(IPaymentChannels.ChannelZeroAddress.selector);
        channels.open(_key(payer, operator, "x"), address(0), 0);
        channels.open(_key(payer, operator, "x"), payer, 0);
        vm.expectRevert(
            abi.encodeWithSelector(IPaymentChannels.ChannelExists.selector, channels.channelIdOf(_key(payer, operator, "x")))
        );
        channels.open(_key(payer, operator, "x"), payer, 0);
        vm.stopPrank();
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IPaymentChannels.ChannelNotPayer.selector, stranger, payer));
        channels.open(_key(payer, operator, "y"), stranger, 0);
    }

    function test_settle_paysOperatorAndPool() public {
        bytes32 cid = _open(payer, operator, payer, 100e6, "");
        assertEq(_settle(_sign(PAYER_KEY, cid, id, 10e6, FEE)), 10e6);
        assertEq(channels.earnings(operator), 8e6);
        assertEq(_pool(), 2e6);
        assertEq(channels.settled(cid, id), 10e6);
        // The next voucher is cumulative: only the difference is claimed.
        assertEq(_settle(_sign(PAYER_KEY, cid, id, 15e6, FEE)), 5e6);
        assertEq(channels.earnings(operator), 12e6);
        vm.prank(operator);
        assertEq(channels.withdrawEarnings(), 12e6);
        assertEq(usd.balanceOf(operator), 12e6);
        vm.prank(creator);
        assertEq(shares.claim(id), 3e6);
    }

    function test_settle_replayPaysNothing() public {
        bytes32 cid = _open(payer, operator, payer, 100e6, "");
        IPaymentChannels.SignedVoucher memory sv = _sign(PAYER_KEY, cid, id, 10e6, FEE);
        IPaymentChannels.SignedVoucher memory lower = _sign(PAYER_KEY, cid, id, 9e6, FEE);
        _settle(sv);
        vm.prank(operator);
        vm.expectRevert(
            abi.encodeWithSelector(IPaymentChannels.ChannelSettleFailed.selector, cid, IPaymentChannels.SettleStatus.NothingNew)
        );
        channels.settle(sv);
        // A lower cumulative amount is a replay too.
        vm.prank(operator);
        vm.expectRevert(
            abi.encodeWithSelector(IPaymentChannels.ChannelSettleFailed.selector, cid, IPaymentChannels.SettleStatus.NothingNew)
        );
        channels.settle(lower);
        assertEq(channels.earnings(operator), 8e6);
    }

    function test_settle_onlyTheOperator() public {
        bytes32 cid = _open(payer, operator, payer, 100e6, "");
        IPaymentChannels.SignedVoucher memory sv = _sign(PAYER_KEY, cid, id, 10e6, FEE);
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(IPaymentChannels.ChannelSettleFailed.selector, cid, IPaymentChannels.SettleStatus.NotOperator)
        );
        channels.settle(sv);
    }

    function test_settle_rejectsOtherSignersAndDomains() public {
        bytes32 cid = _open(payer, operator, payer, 100e6, "");
        IPaymentChannels.SignedVoucher memory bad = _sign(0xBAD, cid, id, 10e6, FEE);
        // The same voucher signed for another deployment (another verifying contract) is worthless here.
        PaymentChannels other = new PaymentChannels(shares);
        IPaymentChannels.SignedVoucher memory sv = _sign(PAYER_KEY, cid, id, 10e6, FEE);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(PAYER_KEY, other.hashVoucher(sv.voucher));
        sv.signature = abi.encodePacked(r, s, v);
        bytes32 unknown = keccak256("nope");
        IPaymentChannels.SignedVoucher memory stray = _sign(PAYER_KEY, unknown, id, 10e6, FEE);
        vm.startPrank(operator);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPaymentChannels.ChannelSettleFailed.selector, cid, IPaymentChannels.SettleStatus.InvalidSignature
            )
        );
        channels.settle(bad);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPaymentChannels.ChannelSettleFailed.selector, cid, IPaymentChannels.SettleStatus.InvalidSignature
            )
        );
        channels.settle(sv);
        // A voucher for a channel that does not exist.
        vm.expectRevert(
            abi.encodeWithSelector(
                IPaymentChannels.ChannelSettleFailed.selector, unknown, IPaymentChannels.SettleStatus.UnknownChannel
            )
        );
        channels.settle(stray);
        vm.stopPrank();
    }

    function test_settle_claimsOnlyWhatWasConsumed() public {
        bytes32 cid = _open(payer, operator, payer, 100e6, "");
        // The voucher covered a 10e6 ceiling, the request consumed 3e6: the rest stays the payer's credit.
        IPaymentChannels.SignedVoucher memory sv = _sign(PAYER_KEY, cid, id, 10e6, FEE);
        sv.claimTo = 3e6;
        assertEq(_settle(sv), 3e6);
        // The next voucher (3e6 consumed + the next ceiling) claims from 3e6; a claim beyond the voucher is capped.
        sv = _sign(PAYER_KEY, cid, id, 13e6, FEE);
        sv.claimTo = 50e6;
        assertEq(_settle(sv), 10e6);
        assertEq(channels.settled(cid, id), 13e6);
    }

    function test_settle_partialWhenOverSigned() public {
        bytes32 cid = _open(payer, operator, payer, 10e6, "");
        assertEq(_settle(_sign(PAYER_KEY, cid, id, 25e6, FEE)), 10e6);
        assertEq(channels.settled(cid, id), 10e6);
        // A top-up makes the rest of the same voucher payable.
        _fund(stranger, 20e6);
        vm.startPrank(stranger);
        usd.approve(address(channels), 20e6);
        channels.deposit(cid, 20e6);
        vm.stopPrank();
        assertEq(_settle(_sign(PAYER_KEY, cid, id, 25e6, FEE)), 15e6);
        assertEq(_pool(), 5e6);
    }

    // ---------------------------------------------------------------- findings

    /// Finding (high): a payer signed a voucher to a second address it controls, settled it at once and withdrew,
    /// so the honest operator's earlier vouchers failed for lack of deposit. A channel's deposit is its own now.
    function test_finding_secondAddressCannotDrainTheOperatorsDeposit() public {
        bytes32 honest = _open(payer, operator, payer, 100e6, "honest");
        IPaymentChannels.SignedVoucher memory accepted = _sign(PAYER_KEY, honest, id, 100e6, FEE);
        address accomplice = makeAddr("accomplice");
        bytes32 own = _open(payer, accomplice, payer, 1e6, "own");
        IPaymentChannels.SignedVoucher memory toAccomplice = _sign(PAYER_KEY, own, id, 100e6, FEE);
        // The accomplice settles a voucher for the honest channel: not its channel.
        vm.prank(accomplice);
        vm.expectRevert(
            abi.encodeWithSelector(IPaymentChannels.ChannelSettleFailed.selector, honest, IPaymentChannels.SettleStatus.NotOperator)
        );
        channels.settle(accepted);
        // Settling its own channel (even for 100e6) only touches the 1e6 in it.
        vm.prank(accomplice);
        channels.settle(toAccomplice);
        assertEq(_settle(accepted), 100e6, "the honest operator is paid in full");
    }

    /// Finding: a withdrawal request never expired, so after the notice the payer could front-run any settlement
    /// forever. Now it lapses `WITHDRAWAL_WINDOW` after the thaw; the operator settles meanwhile.
    function test_finding_withdrawalRequestLapses() public {
        bytes32 cid = _open(payer, operator, payer, 100e6, "");
        vm.prank(payer);
        channels.requestWithdrawal(cid, 100e6);
        (,,,,,, uint48 thawEnd) = channels.channel(cid);
        uint256 deadline = uint256(thawEnd) + channels.WITHDRAWAL_WINDOW();
        vm.warp(deadline);
        vm.prank(payer);
        vm.expectRevert(
            abi.encodeWithSelector(IPaymentChannels.ChannelWithdrawalLapsed.selector, cid, deadline, deadline)
        );
        channels.withdraw(cid);
        assertEq(_settle(_sign(PAYER_KEY, cid, id, 30e6, FEE)), 30e6);
    }

    /// Finding: a contract-wallet payer (ERC-1271) rotated its owner after being served, voiding every unsettled
    /// voucher. Vouchers are now signed by an EOA authorizer fixed at opening; the wallet cannot revoke them.
    function test_finding_contractWalletCannotRevokeVouchers() public {
        address owner = makeAddr("walletOwner");
        MockSmartWallet wallet = new MockSmartWallet(owner);
        address session = vm.addr(SESSION_KEY);
        _fund(address(wallet), 50e6);
        vm.startPrank(owner);
        wallet.execute(address(usd), abi.encodeCall(usd.approve, (address(channels), 50e6)));
        bytes memory ret = wallet.execute(
            address(channels), abi.encodeCall(channels.open, (_key(address(wallet), operator, ""), session, 50e6))
        );
        vm.stopPrank();
        bytes32 cid = abi.decode(ret, (bytes32));
        IPaymentChannels.SignedVoucher memory accepted = _sign(SESSION_KEY, cid, id, 20e6, FEE);
        // Whatever the wallet does with its own keys, the session key's signature stays valid.
        vm.etch(address(wallet), hex"00");
        assertEq(_settle(accepted), 20e6);
    }

    /// Finding: the admin front-ran settlements by changing `feeShareBps` instantly (operator gets 0). A change is now
    /// scheduled; a voucher accepted before it settles at the split it was quoted.
    function test_finding_adminCannotFrontRunTheSplit() public {
        bytes32 cid = _open(payer, operator, payer, 100e6, "");
        IPaymentChannels.SignedVoucher memory accepted = _sign(PAYER_KEY, cid, id, 10e6, FEE);
        vm.prank(creator);
        uint48 at = shares.scheduleFeeShare(id, FEE + 1_000);
        _settle(accepted);
        assertEq(channels.earnings(operator), 8e6, "settled at the quoted split before the change");
        // After the change takes effect a voucher quoted at the old split still settles at it during the grace.
        vm.warp(at);
        _settle(_sign(PAYER_KEY, cid, id, 20e6, FEE));
        assertEq(channels.earnings(operator), 16e6);
        // A quote the model never had gets the split in effect, never a lower one.
        _settle(_sign(PAYER_KEY, cid, id, 30e6, 0));
        assertEq(channels.earnings(operator), 23e6);
        assertEq(_pool(), 7e6);
    }

    /// Finding: the fee was rounded down per voucher, so splitting claims removed the holders' fee. Fees are now
    /// computed on cumulative amounts: any split of claims pays the holders floor(total * bps / 10,000).
    function testFuzz_finding_splitClaimsKeepTheFee(uint256 seed, uint8 pieces, uint16 bps) public {
        bps = uint16(bound(bps, 0, 10_000));
        pieces = uint8(bound(pieces, 1, 40));
        uint256 total = bound(seed, 1, 1e12);
        uint256 modelId = _createModel(creator, SUPPLY, bps);
        bytes32 cid = _open(payer, operator, payer, total, "");
        uint256 cumulative;
        for (uint256 i = 1; i <= pieces; ++i) {
            uint256 next = i == pieces ? total : (total * i) / pieces;
            if (next > cumulative) {
                cumulative = next;
                _settle(_sign(PAYER_KEY, cid, modelId, cumulative, bps));
            }
        }
        (uint256 pooled,) = shares.feePool(modelId);
        assertEq(pooled, (total * bps) / 10_000);
        assertEq(channels.earnings(operator) + pooled, total);
    }

    /// Finding: once a model's lifetime fees reached the cap, every settlement of that model reverted. Now the
    /// operator is paid, the excess fee is held for the model's admin.
    function test_finding_feeCapDoesNotBlockSettlement() public {
        _depositFees(id, shares.MAX_CUMULATIVE_FEES() - 1);
        bytes32 cid = _open(payer, operator, payer, 100e6, "");
        assertEq(_settle(_sign(PAYER_KEY, cid, id, 10e6, FEE)), 10e6);
        assertEq(channels.earnings(operator), 8e6);
        assertEq(channels.unpooledFees(id), 2e6 - 1);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IPaymentChannels.ChannelNotModelAdmin.selector, id, stranger));
        channels.sweepUnpooledFees(id, stranger);
        vm.prank(creator);
        assertEq(channels.sweepUnpooledFees(id, creator), 2e6 - 1);
        assertEq(usd.balanceOf(creator), 2e6 - 1);
    }

    /// Finding: one bad voucher reverted a whole `settleMany`. Now the batch settles what is valid and reports the rest.
    function test_finding_batchSettlesWhatIsValid() public {
        bytes32 a = _open(payer, operator, payer, 100e6, "a");
        bytes32 b = _open(payer, operator, payer, 100e6, "b");
        IPaymentChannels.SignedVoucher[] memory svs = new IPaymentChannels.SignedVoucher[](4);
        svs[0] = _sign(PAYER_KEY, a, id, 10e6, FEE);
        svs[1] = _sign(0xBAD, b, id, 10e6, FEE);
        svs[2] = _sign(PAYER_KEY, b, id, 5e6, FEE);
        svs[3] = _sign(PAYER_KEY, a, id, 10e6, FEE); // replay of svs[0]
        vm.expectEmit(address(channels));
        emit IPaymentChannels.SettlementSkipped(b, id, IPaymentChannels.SettleStatus.InvalidSignature);
        vm.prank(operator);
        (IPaymentChannels.SettleStatus[] memory st, uint256 total) = channels.settleMany(svs);
        assertEq(total, 15e6);
        assertEq(uint8(st[0]), uint8(IPaymentChannels.SettleStatus.Settled));
        assertEq(uint8(st[1]), uint8(IPaymentChannels.SettleStatus.InvalidSignature));
        assertEq(uint8(st[2]), uint8(IPaymentChannels.SettleStatus.Settled));
        assertEq(uint8(st[3]), uint8(IPaymentChannels.SettleStatus.NothingNew));
        assertEq(channels.earnings(operator), 12e6);
        assertEq(_pool(), 3e6);
    }

    // ------------------------------------------------------------- withdrawals

    function test_withdraw_afterThawOnly() public {
        bytes32 cid = _open(payer, operator, payer, 100e6, "");
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IPaymentChannels.ChannelNotPayer.selector, stranger, payer));
        channels.requestWithdrawal(cid, 1);
        vm.startPrank(payer);
        vm.expectRevert(abi.encodeWithSelector(IPaymentChannels.ChannelInsufficientBalance.selector, cid, 101e6, 100e6));
        channels.requestWithdrawal(cid, 101e6);
        channels.requestWithdrawal(cid, 60e6);
        uint256 thawEnd = block.timestamp + DELAY;
        vm.expectRevert(
            abi.encodeWithSelector(IPaymentChannels.ChannelWithdrawalThawing.selector, cid, thawEnd, block.timestamp)
        );
        channels.withdraw(cid);
        vm.stopPrank();
        // The operator settles inside the thaw.
        IPaymentChannels.SignedVoucher memory sv = _sign(PAYER_KEY, cid, id, 70e6, FEE);
        _settle(sv);
        vm.warp(thawEnd);
        vm.prank(payer);
        assertEq(channels.withdraw(cid), 30e6, "at most what is left");
        assertEq(usd.balanceOf(payer), 30e6);
        vm.prank(payer);
        vm.expectRevert(abi.encodeWithSelector(IPaymentChannels.ChannelNoWithdrawal.selector, cid));
        channels.withdraw(cid);
    }

    function test_requestWithdrawal_zeroCancels() public {
        bytes32 cid = _open(payer, operator, payer, 100e6, "");
        vm.startPrank(payer);
        vm.expectRevert(abi.encodeWithSelector(IPaymentChannels.ChannelNoWithdrawal.selector, cid));
        channels.requestWithdrawal(cid, 0);
        channels.requestWithdrawal(cid, 10e6);
        vm.expectEmit(address(channels));
        emit IPaymentChannels.WithdrawalCancelled(cid);
        channels.requestWithdrawal(cid, 0);
        vm.stopPrank();
        (,,,,, uint256 thawAmount, uint48 thawEnd) = channels.channel(cid);
        assertEq(thawAmount, 0);
        assertEq(thawEnd, 0);
    }

    /// Property: a voucher the node accepted while the channel was open (covered by its balance, no withdrawal
    /// pending) is payable in full, whatever the payer does afterwards, as long as the node settles inside the thaw.
    function testFuzz_acceptedVoucherIsPayableInFull(
        uint96 deposit,
        uint96 accepted,
        uint96 withdrawal,
        uint32 requestAfter,
        uint32 settleAfter,
        uint96 otherVoucher
    ) public {
        deposit = uint96(bound(deposit, 1, 1e15));
        accepted = uint96(bound(accepted, 1, deposit));
        withdrawal = uint96(bound(withdrawal, 1, deposit));
        bytes32 cid = _open(payer, operator, payer, deposit, "");
        IPaymentChannels.SignedVoucher memory sv = _sign(PAYER_KEY, cid, id, accepted, FEE);
        // The payer plays every card it holds: a voucher to its own accomplice channel, a withdrawal request...
        address accomplice = makeAddr("accomplice");
        bytes32 own = _open(payer, accomplice, payer, 1, "own");
        IPaymentChannels.SignedVoucher memory toAccomplice =
            _sign(PAYER_KEY, own, id, bound(otherVoucher, 1, type(uint96).max), FEE);
        vm.prank(accomplice);
        channels.settle(toAccomplice);
        vm.warp(block.timestamp + requestAfter);
        vm.prank(payer);
        channels.requestWithdrawal(cid, withdrawal);
        // ... and the node settles at some point inside the thaw.
        vm.warp(block.timestamp + bound(settleAfter, 0, DELAY - 1));
        vm.prank(payer);
        vm.expectRevert();
        channels.withdraw(cid);
        assertEq(_settle(sv), accepted);
    }
}
