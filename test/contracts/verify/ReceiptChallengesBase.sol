// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {DaoBase} from "../governance/DaoBase.sol";
import {PaymentChannels} from "../../../contracts/payments/PaymentChannels.sol";
import {IPaymentChannels} from "../../../contracts/interfaces/IPaymentChannels.sol";
import {IReceiptChallenges} from "../../../contracts/interfaces/IReceiptChallenges.sol";
import {INodeSlasher} from "../../../contracts/interfaces/INodeSlasher.sol";
import {NodeRegistry} from "../../../contracts/registry/NodeRegistry.sol";
import {ReceiptChallenges} from "../../../contracts/verify/ReceiptChallenges.sol";
import {ReceiptLib} from "../../../contracts/verify/ReceiptLib.sol";

/// @notice Shared fixture: the governance stack (DaoBase's model `id` with its DAO), payment channels, the challenge
///         contract bound to a node registry, a staked operator with a paid channel, and five staked validators.
abstract contract ReceiptChallengesBase is DaoBase {
    PaymentChannels internal channels;
    ReceiptChallenges internal rc;
    NodeRegistry internal registry;

    address internal operator;
    uint256 internal operatorKey;
    address internal payer;
    uint256 internal payerKey;
    address internal challenger = makeAddr("challenger");
    address[] internal validators;
    bytes32 internal channelId;
    address internal timelock;

    uint256 internal constant NODE_MIN_STAKE = 10e6;
    uint256 internal constant NODE_STAKE = 100e6;
    /// Five validators of 250 each: 1,250 of stake, above the economic stake of both validator rounds (840 and 920),
    /// the second even after all five escrowed their risk in the first.
    uint256 internal constant VALIDATOR_STAKE = 250e6;
    uint256 internal constant BOND = 2e6;
    uint256 internal constant SLASH = 40e6;
    uint16 internal constant CHALLENGER_BPS = 2_500;
    uint16 internal constant PAYER_BPS = 5_000;
    address internal constant BURN = 0x000000000000000000000000000000000000dEaD;
    /// Validators a round needs to reach its quorum (half the stake: 3 of the 5).
    uint16 internal constant QUORUM = 3;
    uint16 internal constant QUORUM_BPS = 5_000;
    uint16 internal constant PENALTY_BPS = 1_000;
    uint8 internal constant ROUNDS = 2;
    uint48 internal constant ANSWER_WINDOW = 1 days;
    uint48 internal constant COMMIT_WINDOW = 2 days;
    uint48 internal constant REVEAL_WINDOW = 1 days;
    uint48 internal constant APPEAL_WINDOW = 1 days;
    uint48 internal constant DAO_WINDOW = 3 days;
    bytes32 internal constant BODY = keccak256("compact receipt body");

    function setUp() public virtual override {
        super.setUp();
        (operator, operatorKey) = makeAddrAndKey("operator");
        (payer, payerKey) = makeAddrAndKey("payer");
        channels = new PaymentChannels(shares);
        _deploy(_params(SLASH, CHALLENGER_BPS));
        timelock = _createDao(id).timelock;

        _fund(operator, NODE_STAKE);
        vm.startPrank(operator);
        usd.approve(address(registry), type(uint256).max);
        registry.register(id, "http://127.0.0.1:8000", NodeRegistry.Prices({perRequest: 1, perOutputToken: 1}), NODE_STAKE);
        vm.stopPrank();

        channelId = _openChannel(payer, operator);

        for (uint256 i; i < 5; ++i) {
            address v = makeAddr(string.concat("validator", vm.toString(i)));
            validators.push(v);
            _registerAsValidator(v, VALIDATOR_STAKE);
        }
        _fund(challenger, 100e6);
        vm.prank(challenger);
        usd.approve(address(rc), type(uint256).max);
        // Validators registered strictly before any challenge of the tests.
        vm.warp(block.timestamp + 1);
    }

    function _params(uint256 slash, uint16 bps) internal pure returns (IReceiptChallenges.Params memory) {
        return IReceiptChallenges.Params({
            minValidatorStake: VALIDATOR_STAKE,
            challengeBond: BOND,
            slashAmount: slash,
            challengerShareBps: bps,
            // The payer's half, or what the challenger's share leaves of the whole (none above it: those tests want a revert).
            payerShareBps: bps <= 10_000 - PAYER_BPS ? PAYER_BPS : bps >= 10_000 ? 0 : uint16(10_000 - bps),
            quorumBps: QUORUM_BPS,
            penaltyBps: PENALTY_BPS,
            validatorRounds: ROUNDS,
            answerWindow: ANSWER_WINDOW,
            commitWindow: COMMIT_WINDOW,
            revealWindow: REVEAL_WINDOW,
            appealWindow: APPEAL_WINDOW,
            daoWindow: DAO_WINDOW
        });
    }

    function _deploy(IReceiptChallenges.Params memory params) internal {
        rc = new ReceiptChallenges(shares, channels, factory, params);
        registry = new NodeRegistry(shares, NODE_MIN_STAKE, INodeSlasher(address(rc)));
        rc.bindRegistry(address(registry));
    }

    /// @dev A fresh challenge contract and registry with `params` (no validators), the operator staked `stake` on it.
    function _redeploy(IReceiptChallenges.Params memory params, uint256 stake) internal {
        _deploy(params);
        _fund(operator, stake);
        vm.startPrank(operator);
        usd.approve(address(registry), type(uint256).max);
        registry.register(id, "http://x", NodeRegistry.Prices({perRequest: 1, perOutputToken: 1}), stake);
        vm.stopPrank();
        vm.prank(challenger);
        usd.approve(address(rc), type(uint256).max);
    }

    function _openChannel(address from, address to) internal returns (bytes32 cid) {
        _fund(from, 10e6);
        vm.startPrank(from);
        usd.approve(address(channels), 10e6);
        cid = channels.open(
            IPaymentChannels.ChannelKey({
                payer: from, operator: to, token: address(usd), withdrawalDelay: 1 hours, salt: bytes32(0)
            }),
            from,
            10e6
        );
        vm.stopPrank();
    }

    function _voucher(uint256 cumulative) internal view returns (IPaymentChannels.Voucher memory) {
        return IPaymentChannels.Voucher({channelId: channelId, modelId: id, cumulativeAmount: cumulative, feeShareBps: 3_000});
    }

    function _receipt(IPaymentChannels.Voucher memory v) internal view returns (ReceiptLib.Receipt memory) {
        return ReceiptLib.Receipt({
            modelId: v.modelId,
            weightsCidHash: keccak256(bytes(CID)),
            body: BODY,
            payment: channels.hashVoucher(v),
            cost: v.cumulativeAmount
        });
    }

    /// @dev The receipts domain separator, written out from the spec (not through ReceiptLib).
    function _domain(uint256 chainId, address verifyingContract) internal pure returns (bytes32) {
        return keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256("modeldao Receipts"),
                keccak256("1"),
                chainId,
                verifyingContract
            )
        );
    }

    /// @dev The node's acknowledgement of voucher `v` for a request of at most `cost`, signed with `key`.
    function _ack(uint256 key, IPaymentChannels.Voucher memory v, uint256 cost) internal view returns (bytes memory) {
        bytes32 structHash = keccak256(abi.encode(keccak256("VoucherAccepted(bytes32 payment,uint256 cost)"), channels.hashVoucher(v), cost));
        return _sign(key, keccak256(abi.encodePacked("\x19\x01", _domain(block.chainid, address(channels)), structHash)));
    }

    /// @dev The receipts digest, written out from the spec (not through ReceiptLib).
    function _digest(ReceiptLib.Receipt memory r, uint256 chainId, address verifyingContract) internal pure returns (bytes32) {
        bytes32 domain = _domain(chainId, verifyingContract);
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256("Receipt(uint256 modelId,bytes32 weightsCidHash,bytes32 body,bytes32 payment,uint256 cost)"),
                r.modelId,
                r.weightsCidHash,
                r.body,
                r.payment,
                r.cost
            )
        );
        return keccak256(abi.encodePacked("\x19\x01", domain, structHash));
    }

    function _sign(uint256 key, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    function _signReceipt(ReceiptLib.Receipt memory r) internal view returns (bytes memory) {
        return _sign(operatorKey, _digest(r, block.chainid, address(channels)));
    }

    /// @dev Files the standard receipt (voucher of `cumulative`) as `challenger`.
    function _file(uint256 cumulative) internal returns (bytes32 challengeId) {
        IPaymentChannels.Voucher memory v = _voucher(cumulative);
        ReceiptLib.Receipt memory r = _receipt(v);
        vm.prank(challenger);
        challengeId = rc.challenge(operator, r, _signReceipt(r), v, "bafy-evidence");
    }

    /// @dev Files `v`'s receipt (signed by the operator) as `who`, funded and approved for the bond here.
    function _fileFrom(address who, IPaymentChannels.Voucher memory v) internal returns (bytes32 challengeId) {
        ReceiptLib.Receipt memory r = _receipt(v);
        bytes memory sig = _signReceipt(r);
        _fund(who, BOND);
        vm.startPrank(who);
        usd.approve(address(rc), BOND);
        challengeId = rc.challenge(operator, r, sig, v, "");
        vm.stopPrank();
    }

    /// @dev `who`, funded with `stake`, registers it as a validator (and approves the contract for any later bond).
    function _registerAsValidator(address who, uint256 stake) internal {
        _fund(who, stake);
        vm.startPrank(who);
        usd.approve(address(rc), type(uint256).max);
        rc.registerValidator(stake);
        vm.stopPrank();
    }

    function _salt(address v) internal pure returns (bytes32) {
        return keccak256(abi.encode("salt", v));
    }

    function _commit(bytes32 challengeId, address v, bool cheat) internal {
        _commitAt(challengeId, rc.challengeOf(challengeId).round, v, cheat);
    }

    /// @dev Commits in `round` without reading the contract first (so a test can expect the commit itself to revert).
    function _commitAt(bytes32 challengeId, uint8 round, address v, bool cheat) internal {
        bytes32 commitment = keccak256(abi.encode(challengeId, round, v, cheat, _salt(v)));
        vm.prank(v);
        rc.commitVote(challengeId, commitment);
    }

    function _reveal(bytes32 challengeId, address v, bool cheat) internal {
        vm.prank(v);
        rc.revealVote(challengeId, cheat, _salt(v));
    }

    /// @dev Warps to the end of the challenge's current phase.
    function _nextPhase(bytes32 challengeId) internal {
        (, uint256 until) = rc.phaseOf(challengeId);
        vm.warp(until);
    }

    /// @dev One validator round: `voters` commit and reveal `votes`; the round ends where its appeal window opens.
    function _round(bytes32 challengeId, address[] memory voters, bool[] memory votes) internal {
        for (uint256 i; i < voters.length; ++i) _commit(challengeId, voters[i], votes[i]);
        _nextPhase(challengeId);
        for (uint256 i; i < voters.length; ++i) _reveal(challengeId, voters[i], votes[i]);
        _nextPhase(challengeId);
    }

    /// @dev The first `count` validators vote `cheat` in the current round; unappealed, anyone resolves it.
    function _voteAll(bytes32 challengeId, bool cheat, uint256 count) internal {
        address[] memory voters = new address[](count);
        bool[] memory votes = new bool[](count);
        for (uint256 i; i < count; ++i) (voters[i], votes[i]) = (validators[i], cheat);
        _round(challengeId, voters, votes);
        _nextPhase(challengeId);
        rc.resolve(challengeId);
    }

    function _afterAnswerWindow() internal {
        vm.warp(block.timestamp + ANSWER_WINDOW);
    }
}
