// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {TestUSD} from "../../../contracts/mocks/TestUSD.sol";
import {ModelShares} from "../../../contracts/shares/ModelShares.sol";
import {PaymentChannels} from "../../../contracts/payments/PaymentChannels.sol";
import {IPaymentChannels} from "../../../contracts/interfaces/IPaymentChannels.sol";
import {IReceiptChallenges} from "../../../contracts/interfaces/IReceiptChallenges.sol";
import {NodeRegistry} from "../../../contracts/registry/NodeRegistry.sol";
import {ReceiptChallenges} from "../../../contracts/verify/ReceiptChallenges.sol";
import {ReceiptLib} from "../../../contracts/verify/ReceiptLib.sol";

/// @notice Drives receipt challenges with an honest node and a cheating one, challengers who dispute both, three
///         truthful validators and a rogue one who always votes "cheat", the model's DAO deciding truthfully, nodes and
///         validators coming and going (a cheat trying to unregister and withdraw while disputed), forgers filing
///         receipts altered after signing, and a stranger calling every open function. Ghost variables follow every
///         token that enters or leaves the challenge contract and the registry.
contract ReceiptChallengesHandler is Test {
    TestUSD internal usd;
    ModelShares internal shares;
    PaymentChannels internal channels;
    ReceiptChallenges internal rc;
    NodeRegistry internal registry;
    address internal timelock;
    uint256 public modelId;

    uint256 internal constant NODE_STAKE = 30e6;
    uint256 internal constant VALIDATOR_STAKE = 5e6;

    uint256 internal honestKey = 0xA11CE;
    uint256 internal cheaterKey = 0xBAD;
    address public honest = vm.addr(honestKey);
    /// The payer of both nodes' channels (makeAddr's key for "payer"): the harmed party of their slashes.
    address public channelPayer = vm.addr(uint256(keccak256(abi.encodePacked("payer"))));
    address public cheater = vm.addr(cheaterKey);
    address public stranger = makeAddr("stranger");
    address[2] public challengers = [makeAddr("challenger0"), makeAddr("challenger1")];
    address[4] public validators = [makeAddr("validator0"), makeAddr("validator1"), makeAddr("validator2"), makeAddr("rogue")];
    mapping(address operator => bytes32) internal _channelOf;

    bytes32[] public challengeIds;
    mapping(bytes32 => bool) public isCheat;
    mapping(bytes32 => uint256) public resolutions;
    uint256 internal _nonce;

    /// Tokens that entered the challenge contract or the registry from actors (stakes, bonds) and that left them to
    /// actors (withdrawals); what went into the fee pool; slashes and their split.
    uint256 public ghostIn;
    uint256 public ghostOut;
    uint256 public ghostToFeePool;
    uint256 public ghostSlashed;
    /// Slashed stake and bonds released by resolutions, and where they went: credits and the burn address.
    uint256 public ghostReleased;
    uint256 public ghostCredited;
    uint256 public ghostBurned;
    /// A DAO decision that succeeded before the operator's answer window ended; a filing a prior one blocked.
    uint256 public ghostEarlyDecisions;
    uint256 public ghostPreempted;
    uint256 public ghostHonestDeposited;
    uint256 public ghostHonestWithdrawn;
    uint256 public ghostDoubleResolutions;
    uint256 public ghostForgeriesAccepted;
    uint256 public ghostEscapes;
    uint256 public ghostStrangerSucceeded;

    constructor(
        TestUSD usd_,
        ModelShares shares_,
        PaymentChannels channels_,
        ReceiptChallenges rc_,
        NodeRegistry registry_,
        address timelock_,
        uint256 modelId_
    ) {
        usd = usd_;
        shares = shares_;
        channels = channels_;
        rc = rc_;
        registry = registry_;
        timelock = timelock_;
        modelId = modelId_;
        _registerNode(honest);
        _registerNode(cheater);
        _channelOf[honest] = _openChannel(honest);
        _channelOf[cheater] = _openChannel(cheater);
        for (uint256 i; i < validators.length; ++i) {
            _registerValidator(validators[i]);
        }
        for (uint256 i; i < challengers.length; ++i) {
            deal(address(usd), challengers[i], 1_000_000e6, true);
            vm.prank(challengers[i]);
            usd.approve(address(rc), type(uint256).max);
        }
        vm.warp(block.timestamp + 1);
    }

    // ------------------------------------------------------------------ setup

    function _registerNode(address op) private {
        deal(address(usd), op, usd.balanceOf(op) + NODE_STAKE, true);
        vm.startPrank(op);
        usd.approve(address(registry), NODE_STAKE);
        registry.register(modelId, "http://node", NodeRegistry.Prices({perRequest: 1, perOutputToken: 1}), NODE_STAKE);
        vm.stopPrank();
        ghostIn += NODE_STAKE;
        if (op == honest) ghostHonestDeposited += NODE_STAKE;
    }

    function _registerValidator(address v) private {
        deal(address(usd), v, usd.balanceOf(v) + VALIDATOR_STAKE, true);
        vm.startPrank(v);
        usd.approve(address(rc), VALIDATOR_STAKE);
        rc.registerValidator(VALIDATOR_STAKE);
        vm.stopPrank();
        ghostIn += VALIDATOR_STAKE;
    }

    function _openChannel(address op) private returns (bytes32 cid) {
        address payer = makeAddr("payer");
        deal(address(usd), payer, usd.balanceOf(payer) + 1e6, true);
        vm.startPrank(payer);
        usd.approve(address(channels), 1e6);
        cid = channels.open(
            IPaymentChannels.ChannelKey({
                payer: payer, operator: op, token: address(usd), withdrawalDelay: 1 hours, salt: bytes32(uint256(uint160(op)))
            }),
            payer,
            1e6
        );
        vm.stopPrank();
    }

    function challengeCount() external view returns (uint256) {
        return challengeIds.length;
    }

    function _signed(bool cheat)
        private
        returns (
            address op,
            ReceiptLib.Receipt memory r,
            bytes memory sig,
            IPaymentChannels.Voucher memory v
        )
    {
        op = cheat ? cheater : honest;
        uint256 n = ++_nonce;
        v = IPaymentChannels.Voucher({channelId: _channelOf[op], modelId: modelId, cumulativeAmount: n, feeShareBps: 0});
        r = ReceiptLib.Receipt({
            modelId: modelId,
            weightsCidHash: keccak256(cheat ? bytes("cheaper weights") : bytes("the weights")),
            body: keccak256(abi.encode("body", n)),
            payment: channels.hashVoucher(v),
            cost: n
        });
        (uint8 sv, bytes32 sr, bytes32 ss) = vm.sign(cheat ? cheaterKey : honestKey, rc.receiptDigest(r));
        sig = abi.encodePacked(sr, ss, sv);
    }

    function _pick(uint256 seed) private view returns (bytes32 id, bool ok) {
        if (challengeIds.length == 0) return (bytes32(0), false);
        return (challengeIds[seed % challengeIds.length], true);
    }

    // ---------------------------------------------------------------- actions

    function file(uint256 challengerSeed, bool cheat) external {
        (address op, ReceiptLib.Receipt memory r, bytes memory sig, IPaymentChannels.Voucher memory v) = _signed(cheat);
        if (registry.stakeOf(modelId, op) == 0) return;
        _fileAs(challengers[challengerSeed % challengers.length], op, r, sig, v, cheat);
    }

    /// Files the receipt as `who` (funded and approved) and books the challenge.
    function _fileAs(
        address who,
        address op,
        ReceiptLib.Receipt memory r,
        bytes memory sig,
        IPaymentChannels.Voucher memory v,
        bool cheat
    ) private returns (bytes32 id) {
        vm.prank(who);
        id = rc.challenge(op, r, sig, v, "evidence");
        challengeIds.push(id);
        isCheat[id] = cheat;
        ghostIn += rc.challengeBond();
    }

    /// A receipt altered after signing, or a voucher swapped, never files.
    function forge(uint256 fieldSeed, bool cheat) external {
        (address op, ReceiptLib.Receipt memory r, bytes memory sig, IPaymentChannels.Voucher memory v) = _signed(cheat);
        uint256 field = fieldSeed % 7;
        if (field == 0) r.modelId += 1 + fieldSeed % 5;
        else if (field == 1) r.weightsCidHash = keccak256(abi.encode(fieldSeed));
        else if (field == 2) r.body = keccak256(abi.encode(fieldSeed, "body"));
        else if (field == 3) r.payment = keccak256(abi.encode(fieldSeed, "payment"));
        else if (field == 4) r.cost += 1 + fieldSeed % 1000;
        else if (field == 5) v.cumulativeAmount += 1; // the voucher no longer matches the signed payment
        else op = op == honest ? cheater : honest; // blame the other node with this node's signature
        vm.prank(challengers[fieldSeed % challengers.length]);
        try rc.challenge(op, r, sig, v, "") {
            ++ghostForgeriesAccepted;
        } catch {}
    }

    function answer(uint256 seed) external {
        (bytes32 id, bool ok) = _pick(seed);
        if (!ok) return;
        IReceiptChallenges.Challenge memory c = rc.challengeOf(id);
        vm.prank(c.operator);
        try rc.answer(id, keccak256(abi.encode(seed))) {} catch {}
    }

    function vote(uint256 validatorSeed, uint256 seed) external {
        (bytes32 id, bool ok) = _pick(seed);
        if (!ok) return;
        uint256 i = validatorSeed % validators.length;
        bool cheat = i == validators.length - 1 ? true : isCheat[id]; // the rogue always says "cheat"
        _tracked(id, validators[i], abi.encodeCall(rc.vote, (id, cheat)));
    }

    function decide(uint256 seed) external {
        (bytes32 id, bool ok) = _pick(seed);
        if (!ok) return;
        IReceiptChallenges.Challenge memory c = rc.challengeOf(id);
        bool early = block.timestamp < uint256(c.filedAt) + rc.answerWindow();
        uint256 before = resolutions[id];
        // A DAO majority tries to decide as soon as it can; the truthful verdict, or (early) a slash of the honest node.
        _tracked(id, timelock, abi.encodeCall(rc.decide, (id, early ? true : isCheat[id])));
        if (early && resolutions[id] != before) ++ghostEarlyDecisions;
    }

    /// The cheater's accomplice files the cheater's fresh receipt first (bogus evidence); the payer then files the same
    /// receipt with its own: the first filing must not block the second.
    function accompliceFilesFirst(uint256 seed) external {
        (address op, ReceiptLib.Receipt memory r, bytes memory sig, IPaymentChannels.Voucher memory v) = _signed(true);
        if (registry.stakeOf(modelId, op) == 0) return;
        _fileAs(challengers[seed % challengers.length], op, r, sig, v, true);
        deal(address(usd), channelPayer, usd.balanceOf(channelPayer) + rc.challengeBond(), true);
        vm.startPrank(channelPayer);
        usd.approve(address(rc), rc.challengeBond());
        try rc.challenge(op, r, sig, v, "the payer's replay") returns (bytes32 second) {
            challengeIds.push(second);
            isCheat[second] = true;
            ghostIn += rc.challengeBond();
        } catch {
            ++ghostPreempted;
        }
        vm.stopPrank();
    }

    function resolve(uint256 seed) external {
        (bytes32 id, bool ok) = _pick(seed);
        if (!ok) return;
        _tracked(id, stranger, abi.encodeCall(rc.resolve, (id)));
    }

    /// Calls `data` on the challenge contract as `caller` and books what a resolution moved.
    function _tracked(bytes32 id, address caller, bytes memory data) private {
        IReceiptChallenges.Challenge memory c = rc.challengeOf(id);
        uint256 stakeBefore = registry.stakeOf(modelId, c.operator);
        uint256 poolBefore = usd.balanceOf(address(shares));
        uint256 creditedBefore = rc.totalCredits();
        uint256 burnBefore = usd.balanceOf(rc.BURN());
        vm.prank(caller);
        (bool success,) = address(rc).call(data);
        if (!success) return;
        IReceiptChallenges.Status after_ = rc.challengeOf(id).status;
        // Nothing may succeed on a challenge that is not open (resolved, or never filed).
        if (c.status != IReceiptChallenges.Status.Open) ++ghostDoubleResolutions;
        if (after_ == IReceiptChallenges.Status.Open) return;
        ++resolutions[id];
        uint256 slashed = stakeBefore - registry.stakeOf(modelId, c.operator);
        ghostSlashed += slashed;
        ghostToFeePool += usd.balanceOf(address(shares)) - poolBefore;
        ghostReleased += slashed + rc.challengeBond();
        ghostCredited += rc.totalCredits() - creditedBefore;
        ghostBurned += usd.balanceOf(rc.BURN()) - burnBefore;
    }

    function withdrawCredits(uint256 seed) external {
        address[5] memory who = [honest, cheater, challengers[0], challengers[1], channelPayer];
        address a = who[seed % 5];
        if (rc.credits(a) == 0) return;
        vm.prank(a);
        ghostOut += rc.withdraw();
    }

    function warp(uint256 secs) external {
        vm.warp(block.timestamp + bound(secs, 1, 3 days));
    }

    /// Nodes leave, try to take their stake back (a disputed one must not), and come back.
    function nodeLifecycle(bool cheat, uint8 step) external {
        address op = cheat ? cheater : honest;
        NodeRegistry.Registration memory r = registry.registration(modelId, op);
        if (r.stake == 0) {
            _registerNode(op);
        } else if (r.unbondingEnd == 0) {
            if (step % 2 == 0) {
                vm.prank(op);
                registry.unregister(modelId);
            }
        } else {
            bool frozen = rc.openChallenges(modelId, op) != 0;
            vm.prank(op);
            try registry.withdrawStake(modelId) returns (uint256 amount) {
                if (frozen) ++ghostEscapes;
                ghostOut += amount;
                if (op == honest) ghostHonestWithdrawn += amount;
            } catch {}
        }
    }

    function validatorLifecycle(uint256 seed) external {
        address v = validators[seed % validators.length];
        IReceiptChallenges.Validator memory val = rc.validatorOf(v);
        if (val.stake == 0) {
            _registerValidator(v);
        } else if (val.unbondingEnd == 0) {
            vm.prank(v);
            rc.unregisterValidator();
        } else if (block.timestamp >= val.unbondingEnd) {
            vm.prank(v);
            ghostOut += rc.withdrawValidatorStake();
        }
    }

    /// A stranger calls every open function; none may succeed.
    function strangerCalls(uint256 which, uint256 seed) external {
        (bytes32 id,) = _pick(seed);
        bytes memory data;
        address target = address(rc);
        uint256 w = which % 8;
        if (w == 0) data = abi.encodeCall(rc.answer, (id, bytes32(seed)));
        else if (w == 1) data = abi.encodeCall(rc.vote, (id, seed % 2 == 0));
        else if (w == 2) data = abi.encodeCall(rc.decide, (id, true));
        else if (w == 3) data = abi.encodeCall(rc.withdraw, ());
        else if (w == 4) data = abi.encodeCall(rc.withdrawValidatorStake, ());
        else if (w == 5) data = abi.encodeCall(rc.bindRegistry, (address(registry)));
        else if (w == 6) data = abi.encodeCall(rc.unregisterValidator, ());
        else {
            target = address(registry);
            data = abi.encodeCall(registry.slash, (modelId, seed % 2 == 0 ? honest : cheater, seed, stranger));
        }
        vm.prank(stranger);
        (bool success,) = target.call(data);
        if (success) ++ghostStrangerSucceeded;
    }
}
