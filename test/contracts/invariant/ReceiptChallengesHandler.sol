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

/// @notice Drives receipt challenges with an honest node and a cheating one, and the adversaries around them:
///         challengers who dispute both (and appeal honest verdicts to grief), the cheater appealing every verdict
///         against it, the cheater's accomplice filing first, a DAO majority trying to decide early, sybil validators
///         on both sides (two always voting "honest", two always "cheat"), a validator that commits and never reveals,
///         the operators and a challenger registered as validators trying to vote on their own disputes, truthful
///         validators holding the majority of the stake (who may still miss a window), validators and nodes coming
///         and going, forgers filing altered receipts, and a stranger calling every open function. Ghost variables
///         follow every token in and out, every validator's stake, and every vote's settlement.
contract ReceiptChallengesHandler is Test {
    TestUSD internal usd;
    ModelShares internal shares;
    PaymentChannels internal channels;
    ReceiptChallenges internal rc;
    NodeRegistry internal registry;
    address internal timelock;
    uint256 public modelId;

    uint256 internal constant NODE_STAKE = 30e6;
    uint256 internal constant TRUTHFUL_STAKE = 300e6;
    uint256 internal constant SYBIL_STAKE = 100e6;
    uint256 internal constant SMALL_STAKE = 50e6;

    uint256 internal honestKey = 0xA11CE;
    uint256 internal cheaterKey = 0xBAD;
    address public honest = vm.addr(honestKey);
    /// The payer of both nodes' channels (makeAddr's key for "payer"): the harmed party of their slashes.
    address public channelPayer = vm.addr(uint256(keccak256(abi.encodePacked("payer"))));
    address public cheater = vm.addr(cheaterKey);
    address public stranger = makeAddr("stranger");
    address[2] public challengers = [makeAddr("challenger0"), makeAddr("challenger1")];
    /// 0-2 truthful (900 of stake), 3-4 always "honest" (the cheater's sybils), 5-6 always "cheat" (a griefer's
    /// sybils), 7 commits and never reveals, 8-9 the two operators, 10 challenger 0: 1,550 in all, 900 truthful.
    address[11] public validators;
    uint256 public constant VALIDATOR_COUNT = 11;
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
    /// Slashed stake, bonds and burned vote risk released by resolutions, and where they went: credits and the burn.
    uint256 public ghostReleased;
    uint256 public ghostCredited;
    uint256 public ghostBurned;
    /// What each validator's stake must be: registered, less the risk it committed, plus the claims paid to it.
    mapping(address validator => uint256) public ghostStake;
    uint256 public ghostEarlyDecisions;
    uint256 public ghostPreempted;
    uint256 public ghostHonestDeposited;
    uint256 public ghostHonestWithdrawn;
    uint256 public ghostDoubleResolutions;
    uint256 public ghostForgeriesAccepted;
    uint256 public ghostEscapes;
    uint256 public ghostStrangerSucceeded;
    /// A party to a dispute whose vote was accepted; a vote against the final outcome (or unrevealed) that was paid.
    uint256 public ghostPartyVotes;
    uint256 public ghostIncoherentPaid;
    /// A cheat cleared although every truthful validator revealed in the deciding round, with a quorum.
    uint256 public ghostCheatsCleared;
    /// Resolutions and coherent claims seen (for the run's own sanity: the handler reaches them).
    uint256 public ghostResolutions;
    uint256 public ghostClaims;

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
        for (uint256 i; i < 8; ++i) validators[i] = makeAddr(string.concat("validator", vm.toString(i)));
        (validators[8], validators[9], validators[10]) = (honest, cheater, challengers[0]);
        for (uint256 i; i < VALIDATOR_COUNT; ++i) {
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

    function _stakeOf(address v) private view returns (uint256) {
        if (v == validators[0] || v == validators[1] || v == validators[2]) return TRUTHFUL_STAKE;
        return v == validators[7] || v == honest || v == cheater || v == challengers[0] ? SMALL_STAKE : SYBIL_STAKE;
    }

    function _registerValidator(address v) private {
        uint256 stake = _stakeOf(v);
        deal(address(usd), v, usd.balanceOf(v) + stake, true);
        vm.startPrank(v);
        usd.approve(address(rc), stake);
        rc.registerValidator(stake);
        vm.stopPrank();
        ghostIn += stake;
        ghostStake[v] = stake;
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

    /// One of the four latest challenges: actions concentrate on a few disputes, so they live through their phases.
    function _pick(uint256 seed) private view returns (bytes32 id, bool ok) {
        uint256 n = challengeIds.length;
        if (n == 0) return (bytes32(0), false);
        uint256 window = n < 4 ? n : 4;
        return (challengeIds[n - 1 - seed % window], true);
    }

    // ---------------------------------------------------------------- actions

    /// A few disputes at a time (up to five: validators vote on several at once), so that the actions on them carry
    /// them through their phases to the end.
    function _busy() private view returns (bool) {
        return rc.openChallenges(modelId, honest) + rc.openChallenges(modelId, cheater) >= 5;
    }

    function file(uint256 challengerSeed, bool cheat) external {
        if (_busy()) return;
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

    /// What validator `i` votes on `id`: the truth, or its side's lie.
    function _voteOf(uint256 i, bytes32 id) private view returns (bool cheat) {
        if (i == 3 || i == 4) return false;
        if (i == 5 || i == 6) return true;
        if (validators[i] == cheater) return true; // the cheater, on the honest node's disputes
        return isCheat[id];
    }

    function _salt(address v, bytes32 id) private pure returns (bytes32) {
        return keccak256(abi.encode(v, id));
    }

    /// Validator `validatorSeed` commits its vote on a challenge, or reveals it (the lazy one, 7, never reveals).
    function vote(uint256 validatorSeed, uint256 seed) external {
        (bytes32 id, bool ok) = _pick(seed);
        if (!ok) return;
        _vote(validatorSeed % VALIDATOR_COUNT, id);
    }

    /// The truthful validators act on a dispute together (they hold the stake majority when they show up; on the
    /// disputes they miss, the minority is alone).
    function truthfulVote(uint256 seed) external {
        (bytes32 id, bool ok) = _pick(seed);
        if (!ok) return;
        for (uint256 i; i < 3; ++i) _vote(i, id);
    }

    /// The whole minority acts on a dispute together: both sybil pairs, the silent one, the operators and challenger
    /// 0 (each voting its side's line; parties are refused on their own disputes).
    function minorityVote(uint256 seed) external {
        (bytes32 id, bool ok) = _pick(seed);
        if (!ok) return;
        for (uint256 i = 3; i < VALIDATOR_COUNT; ++i) _vote(i, id);
    }

    function _vote(uint256 i, bytes32 id) private {
        address v = validators[i];
        IReceiptChallenges.Challenge memory c = rc.challengeOf(id);
        bool cheat = _voteOf(i, id);
        bool party = v == c.operator || v == c.challenger || v == c.payer;
        (IReceiptChallenges.Phase phase,) = rc.phaseOf(id);
        if (phase == IReceiptChallenges.Phase.Commit) _settleResolved(v);
        vm.startPrank(v);
        if (phase == IReceiptChallenges.Phase.Commit) {
            try rc.commitVote(id, keccak256(abi.encode(id, c.round, v, cheat, _salt(v, id)))) {
                if (party) ++ghostPartyVotes;
                ghostStake[v] -= rc.ballotOf(id, c.round, v).risk;
            } catch {}
        } else if (phase == IReceiptChallenges.Phase.Reveal && i != 7) {
            try rc.revealVote(id, cheat, _salt(v, id)) {} catch {}
        }
        vm.stopPrank();
    }

    /// The side a verdict went against appeals: the cheater always; a challenger on a cheat receipt, and sometimes
    /// on an honest one (griefing). The honest operator never does (offline, say): its safety must not hang on it.
    function appeal(uint256 seed) external {
        (bytes32 id, bool ok) = _pick(seed);
        if (!ok) return;
        IReceiptChallenges.Challenge memory c = rc.challengeOf(id);
        (IReceiptChallenges.Phase phase,) = rc.phaseOf(id);
        if (phase != IReceiptChallenges.Phase.Appeal) return;
        uint256 bond = rc.challengeBond() << (c.round + 1);
        address[2] memory sides = [c.operator, c.challenger];
        for (uint256 k; k < 2; ++k) {
            address who = sides[k];
            if (who == honest || (who == c.challenger && !isCheat[id] && seed % 3 != 0)) continue;
            deal(address(usd), who, usd.balanceOf(who) + bond, true);
            vm.startPrank(who);
            usd.approve(address(rc), type(uint256).max);
            try rc.appeal(id) {
                ghostIn += bond;
            } catch {} // not its side (or not now): nothing entered the contract
            vm.stopPrank();
        }
    }

    /// Voters settle their votes on the latest disputes; only votes on the final outcome may pay.
    function claimVotes(uint256) external {
        for (uint256 k; k < 6 && k < challengeIds.length; ++k) _claimVotes(challengeIds[challengeIds.length - 1 - k]);
    }

    function _claimVotes(bytes32 id) private {
        for (uint8 round; round < rc.validatorRounds(); ++round) {
            for (uint256 i; i < VALIDATOR_COUNT; ++i) _settleOne(id, round, validators[i]);
        }
    }

    /// Settles one vote (as a stranger: anyone may) and books what it paid.
    function _settleOne(bytes32 id, uint8 round, address v) private {
        IReceiptChallenges.Challenge memory c = rc.challengeOf(id);
        IReceiptChallenges.Ballot memory b = rc.ballotOf(id, round, v);
        IReceiptChallenges.Validator memory val = rc.validatorOf(v);
        bool toStake = val.registeredAt != 0 && val.unbondingEnd == 0;
        vm.prank(stranger);
        try rc.settleVote(id, round, v) returns (uint256 paid) {
            ++ghostClaims;
            if (paid != 0 && (!b.revealed || b.cheat != c.verdict || paid < b.risk)) ++ghostIncoherentPaid;
            if (toStake) ghostStake[v] += paid;
        } catch {}
    }

    /// Settles every resolved vote of `v` first, so that a commit or a withdrawal settles none unseen.
    function _settleResolved(address v) private {
        IReceiptChallenges.PendingVote[] memory pending = rc.pendingVotesOf(v);
        for (uint256 i; i < pending.length; ++i) {
            if (rc.challengeOf(pending[i].challengeId).status != IReceiptChallenges.Status.Open) {
                _settleOne(pending[i].challengeId, pending[i].round, v);
            }
        }
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
        if (_busy()) return;
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
        uint256 escrowBefore = rc.totalVoteEscrow();
        vm.prank(caller);
        (bool success,) = address(rc).call(data);
        if (!success) return;
        IReceiptChallenges.Challenge memory after_ = rc.challengeOf(id);
        // Nothing may succeed on a challenge that is not open (resolved, or never filed).
        if (c.status != IReceiptChallenges.Status.Open) ++ghostDoubleResolutions;
        if (after_.status == IReceiptChallenges.Status.Open) return;
        ++resolutions[id];
        ++ghostResolutions;
        uint256 slashed = stakeBefore - registry.stakeOf(modelId, c.operator);
        ghostSlashed += slashed;
        ghostToFeePool += usd.balanceOf(address(shares)) - poolBefore;
        ghostReleased += slashed + rc.bondsOf(id) + (escrowBefore - rc.totalVoteEscrow());
        ghostCredited += rc.totalCredits() - creditedBefore;
        ghostBurned += usd.balanceOf(rc.BURN()) - burnBefore;
        if (isCheat[id] && after_.status == IReceiptChallenges.Status.Rejected && _truthfulAllRevealed(id, c.round)) {
            ++ghostCheatsCleared;
        }
    }

    /// Whether the truthful validators all revealed in `round` with enough weight for its quorum. (Votes on other
    /// disputes no longer shrink a weight; risk lost earlier, on rounds a truthful validator missed, does.)
    function _truthfulAllRevealed(bytes32 id, uint8 round) private view returns (bool) {
        if (round >= rc.validatorRounds()) return false; // the DAO's (truthful) or a silent DAO's last verdict
        uint256 weight;
        for (uint256 i; i < 3; ++i) {
            IReceiptChallenges.Ballot memory b = rc.ballotOf(id, round, validators[i]);
            if (!b.revealed) return false;
            weight += b.weight;
        }
        return weight * 10_000 >= uint256(rc.roundOf(id, round).snapshot) * rc.quorumBps();
    }

    function withdrawCredits(uint256 seed) external {
        address a = seed % 2 == 0 ? validators[seed / 2 % VALIDATOR_COUNT] : [honest, cheater, challengers[1], channelPayer][seed / 2 % 4];
        if (rc.credits(a) == 0) return;
        vm.prank(a);
        ghostOut += rc.withdraw();
    }

    function warp(uint256 secs) external {
        vm.warp(block.timestamp + bound(secs, 1, 12 hours));
    }

    /// Time runs to the end of a challenge's current phase (commit, reveal, appeal, the DAO's window).
    function warpPhase(uint256 seed) external {
        (bytes32 id, bool ok) = _pick(seed);
        if (!ok) return;
        (, uint256 until) = rc.phaseOf(id);
        if (until > block.timestamp) vm.warp(until);
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

    /// The minority validators come and go (the truthful ones stay: the property is about a minority's actions).
    function validatorLifecycle(uint256 seed) external {
        address v = validators[3 + seed % (VALIDATOR_COUNT - 3)];
        IReceiptChallenges.Validator memory val = rc.validatorOf(v);
        if (val.registeredAt == 0) {
            _registerValidator(v);
        } else if (val.unbondingEnd == 0) {
            vm.prank(v);
            rc.unregisterValidator();
        } else if (block.timestamp >= val.unbondingEnd) {
            _settleResolved(v);
            vm.prank(v);
            try rc.withdrawValidatorStake() returns (uint256 amount) {
                ghostOut += amount;
                ghostStake[v] = 0;
            } catch {} // votes on open disputes still pending
        }
    }

    /// A stranger calls every open function; none may succeed.
    function strangerCalls(uint256 which, uint256 seed) external {
        (bytes32 id,) = _pick(seed);
        bytes memory data;
        address target = address(rc);
        uint256 w = which % 12;
        if (w == 0) data = abi.encodeCall(rc.answer, (id, bytes32(seed)));
        else if (w == 1) data = abi.encodeCall(rc.commitVote, (id, bytes32(seed)));
        else if (w == 8) data = abi.encodeCall(rc.revealVote, (id, seed % 2 == 0, bytes32(seed)));
        else if (w == 9) data = abi.encodeCall(rc.appeal, (id));
        else if (w == 10) data = abi.encodeCall(rc.settleVote, (id, uint8(seed % 3), stranger));
        else if (w == 11) data = abi.encodeCall(rc.resolve, (bytes32(seed)));
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
