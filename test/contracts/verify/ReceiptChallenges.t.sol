// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {IPaymentChannels} from "../../../contracts/interfaces/IPaymentChannels.sol";
import {IReceiptChallenges} from "../../../contracts/interfaces/IReceiptChallenges.sol";
import {INodeSlasher} from "../../../contracts/interfaces/INodeSlasher.sol";
import {NodeRegistry} from "../../../contracts/registry/NodeRegistry.sol";
import {PaymentChannels} from "../../../contracts/payments/PaymentChannels.sol";
import {ReceiptChallenges} from "../../../contracts/verify/ReceiptChallenges.sol";
import {ReceiptLib} from "../../../contracts/verify/ReceiptLib.sol";
import {ReceiptChallengesBase} from "./ReceiptChallengesBase.sol";

/// @dev Exposes ReceiptLib's digest for a fixed verifying contract.
contract ReceiptLibHarness {
    function digest(ReceiptLib.Receipt calldata r, address channels) external view returns (bytes32) {
        return ReceiptLib.digest(r, channels);
    }
}

contract ReceiptChallengesTest is ReceiptChallengesBase {
    // ------------------------------------------------------------- receipt lib

    /// The digest matches viem's `hashTypedData` for the same receipt (the vector the TypeScript signer must produce).
    function test_receiptDigest_matchesViemVector() public {
        vm.chainId(31337);
        ReceiptLib.Receipt memory r = ReceiptLib.Receipt({
            modelId: 7,
            weightsCidHash: keccak256(bytes(CID)),
            body: keccak256("body"),
            payment: keccak256("payment"),
            cost: 1234567
        });
        bytes32 expected = 0xfab8e3c1a91596cf4030a90390c467977b6a499e81769e8a7e132a1e199ef0e8;
        assertEq(new ReceiptLibHarness().digest(r, 0x5FbDB2315678afecb367f032d93F642f64180aa3), expected);
        assertEq(_digest(r, 31337, 0x5FbDB2315678afecb367f032d93F642f64180aa3), expected);
    }

    function test_receiptDigest_bindsChainAndChannels() public view {
        ReceiptLib.Receipt memory r = _receipt(_voucher(1e6));
        assertEq(rc.receiptDigest(r), _digest(r, block.chainid, address(channels)));
    }

    // ------------------------------------------------------------------ cheat

    function test_challenge_fullCheatPath_slashesAndPaysExactly() public {
        uint256 poolBefore = usd.balanceOf(address(shares));
        bytes32 cid = _file(1e6);
        assertEq(usd.balanceOf(address(rc)), 5 * VALIDATOR_STAKE + BOND);
        assertEq(rc.openChallenges(id, operator), 1);
        _afterAnswerWindow();
        _voteAll(cid, true, QUORUM - 1);
        assertEq(uint8(rc.challengeOf(cid).status), uint8(IReceiptChallenges.Status.Open));
        uint256 toChallenger = SLASH * CHALLENGER_BPS / 10_000;
        vm.expectEmit(address(rc));
        emit IReceiptChallenges.ChallengeResolved(
            cid,
            IReceiptChallenges.Status.Upheld,
            IReceiptChallenges.Resolver.Validators,
            SLASH,
            toChallenger + BOND,
            0,
            SLASH - toChallenger
        );
        vm.prank(validators[QUORUM - 1]);
        rc.vote(cid, true);

        IReceiptChallenges.Challenge memory c = rc.challengeOf(cid);
        assertEq(uint8(c.status), uint8(IReceiptChallenges.Status.Upheld));
        assertEq(c.cheatVotes, QUORUM);
        assertEq(rc.openChallenges(id, operator), 0);
        assertEq(registry.stakeOf(id, operator), NODE_STAKE - SLASH);
        assertEq(usd.balanceOf(address(registry)), NODE_STAKE - SLASH);
        assertEq(usd.balanceOf(address(shares)) - poolBefore, SLASH - toChallenger, "fee pool");
        assertEq(rc.credits(challenger), BOND + toChallenger);
        assertEq(rc.totalCredits(), BOND + toChallenger);
        assertEq(rc.totalOpenBonds(), 0);

        uint256 before = usd.balanceOf(challenger);
        vm.prank(challenger);
        assertEq(rc.withdraw(), BOND + toChallenger);
        assertEq(usd.balanceOf(challenger) - before, BOND + toChallenger);
        assertEq(usd.balanceOf(address(rc)), 5 * VALIDATOR_STAKE);
        // The holders can claim the slashed part: 30e6 over the pool (creator 40%).
        assertGt(shares.claimable(id, creator), 0);
    }

    function test_vote_honestQuorum_bondGoesToOperator() public {
        bytes32 cid = _file(1e6);
        _afterAnswerWindow();
        vm.prank(validators[0]);
        rc.vote(cid, true); // one dissent does not decide
        for (uint256 i = 1; i <= QUORUM; ++i) {
            vm.prank(validators[i]);
            rc.vote(cid, false);
        }
        IReceiptChallenges.Challenge memory c = rc.challengeOf(cid);
        assertEq(uint8(c.status), uint8(IReceiptChallenges.Status.Rejected));
        assertEq(c.cheatVotes, 1);
        assertEq(c.honestVotes, QUORUM);
        assertEq(registry.stakeOf(id, operator), NODE_STAKE);
        assertEq(rc.credits(operator), BOND);
        assertEq(rc.credits(challenger), 0);
        vm.prank(operator);
        rc.withdraw();
        assertEq(usd.balanceOf(operator), BOND);
        assertEq(usd.balanceOf(address(rc)), 5 * VALIDATOR_STAKE);
    }

    function test_resolve_afterDeadlineWithoutQuorum_rejects() public {
        bytes32 cid = _file(1e6);
        _afterAnswerWindow();
        _voteAll(cid, true, QUORUM - 1);
        (, uint256 end) = rc.votingPeriod(cid);
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesVotingOpen.selector, cid, end));
        rc.resolve(cid);
        vm.warp(end);
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesVotingClosed.selector, cid, end));
        vm.prank(validators[4]);
        rc.vote(cid, true);
        vm.prank(stranger);
        rc.resolve(cid);
        assertEq(uint8(rc.challengeOf(cid).status), uint8(IReceiptChallenges.Status.Rejected));
        assertEq(rc.credits(operator), BOND);
        assertEq(registry.stakeOf(id, operator), NODE_STAKE);
        vm.expectRevert(
            abi.encodeWithSelector(
                IReceiptChallenges.ReceiptChallengesNotOpen.selector, cid, IReceiptChallenges.Status.Rejected
            )
        );
        rc.resolve(cid);
    }

    // -------------------------------------------------------------------- DAO

    function test_decide_daoUpholdsAnyTime() public {
        bytes32 cid = _file(1e6);
        // Before the answer window even ends.
        vm.prank(timelock);
        rc.decide(cid, true);
        IReceiptChallenges.Challenge memory c = rc.challengeOf(cid);
        assertEq(uint8(c.status), uint8(IReceiptChallenges.Status.Upheld));
        assertEq(registry.stakeOf(id, operator), NODE_STAKE - SLASH);
        assertEq(rc.credits(challenger), BOND + SLASH * CHALLENGER_BPS / 10_000);
        vm.expectRevert(
            abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesNotOpen.selector, cid, IReceiptChallenges.Status.Upheld)
        );
        vm.prank(timelock);
        rc.decide(cid, false);
    }

    function test_decide_daoRejectsAfterSomeVotes() public {
        bytes32 cid = _file(1e6);
        _afterAnswerWindow();
        _voteAll(cid, true, QUORUM - 1);
        vm.prank(timelock);
        rc.decide(cid, false);
        assertEq(uint8(rc.challengeOf(cid).status), uint8(IReceiptChallenges.Status.Rejected));
        assertEq(rc.credits(operator), BOND);
        vm.expectRevert(
            abi.encodeWithSelector(
                IReceiptChallenges.ReceiptChallengesNotOpen.selector, cid, IReceiptChallenges.Status.Rejected
            )
        );
        vm.prank(validators[4]);
        rc.vote(cid, true);
    }

    function test_decide_revertsForAnyoneButTheModelsTimelock() public {
        bytes32 cid = _file(1e6);
        address[3] memory callers = [stranger, creator, operator];
        for (uint256 i; i < callers.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesNotDao.selector, id, callers[i], timelock)
            );
            vm.prank(callers[i]);
            rc.decide(cid, true);
        }
    }

    function test_decide_modelWithoutDao_nobodyDecides() public {
        uint256 other = _createModel(creator, SUPPLY, 1_000);
        _fund(operator, NODE_MIN_STAKE);
        vm.prank(operator);
        registry.register(other, "http://x", NodeRegistry.Prices({perRequest: 1, perOutputToken: 1}), NODE_MIN_STAKE);
        IPaymentChannels.Voucher memory v = _voucher(1e6);
        v.modelId = other;
        ReceiptLib.Receipt memory r = _receipt(v);
        vm.prank(challenger);
        bytes32 cid = rc.challenge(operator, r, _signReceipt(r), v, "");
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesNotDao.selector, other, timelock, address(0)));
        vm.prank(timelock);
        rc.decide(cid, true);
    }

    // ----------------------------------------------------------------- answer

    function test_answer_opensVotingEarly() public {
        bytes32 cid = _file(1e6);
        (uint256 start,) = rc.votingPeriod(cid);
        assertEq(start, block.timestamp + ANSWER_WINDOW);
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesVotingNotStarted.selector, cid, start));
        vm.prank(validators[0]);
        rc.vote(cid, true);
        vm.warp(block.timestamp + 1 hours);
        vm.expectEmit(address(rc));
        emit IReceiptChallenges.ChallengeAnswered(cid, operator, keccak256("replay"));
        vm.prank(operator);
        rc.answer(cid, keccak256("replay"));
        (uint256 start2, uint256 end2) = rc.votingPeriod(cid);
        assertEq(start2, block.timestamp);
        assertEq(end2, start + VOTING_WINDOW, "the deadline does not move");
        _voteAll(cid, false, QUORUM);
        assertEq(uint8(rc.challengeOf(cid).status), uint8(IReceiptChallenges.Status.Rejected));
    }

    function test_answer_onlyOnceWithinWindowByOperator() public {
        bytes32 cid = _file(1e6);
        uint256 deadline = block.timestamp + ANSWER_WINDOW;
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesNotOperator.selector, cid, challenger));
        vm.prank(challenger);
        rc.answer(cid, bytes32(0));
        vm.prank(operator);
        rc.answer(cid, keccak256("a"));
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesAnswerClosed.selector, cid, deadline));
        vm.prank(operator);
        rc.answer(cid, keccak256("b"));
    }

    function test_answer_revertsAfterWindow() public {
        bytes32 cid = _file(1e6);
        uint256 deadline = block.timestamp + ANSWER_WINDOW;
        vm.warp(deadline);
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesAnswerClosed.selector, cid, deadline));
        vm.prank(operator);
        rc.answer(cid, keccak256("late"));
    }

    // ------------------------------------------------------------------ votes

    function test_vote_eachValidatorOnce() public {
        bytes32 cid = _file(1e6);
        _afterAnswerWindow();
        vm.startPrank(validators[0]);
        rc.vote(cid, true);
        assertTrue(rc.hasVoted(cid, validators[0]));
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesAlreadyVoted.selector, cid, validators[0]));
        rc.vote(cid, false);
        vm.stopPrank();
    }

    function test_vote_validatorRegisteredAfterFilingCannotVote() public {
        bytes32 cid = _file(1e6);
        address late = makeAddr("late");
        _fund(late, VALIDATOR_STAKE);
        vm.startPrank(late);
        usd.approve(address(rc), VALIDATOR_STAKE);
        rc.registerValidator(VALIDATOR_STAKE);
        _afterAnswerWindow();
        vm.expectRevert(
            abi.encodeWithSelector(
                IReceiptChallenges.ReceiptChallengesValidatorTooNew.selector, late, block.timestamp - ANSWER_WINDOW, block.timestamp - ANSWER_WINDOW
            )
        );
        rc.vote(cid, true);
        vm.stopPrank();
    }

    function test_vote_operatorOrChallengerAsValidatorIsConflicted() public {
        // The operator and the challenger both register as validators before the filing.
        address[2] memory parties = [operator, challenger];
        for (uint256 i; i < 2; ++i) {
            _fund(parties[i], VALIDATOR_STAKE);
            vm.startPrank(parties[i]);
            usd.approve(address(rc), type(uint256).max);
            rc.registerValidator(VALIDATOR_STAKE);
            vm.stopPrank();
        }
        vm.warp(block.timestamp + 1);
        bytes32 cid = _file(1e6);
        _afterAnswerWindow();
        for (uint256 i; i < 2; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesConflictOfInterest.selector, cid, parties[i])
            );
            vm.prank(parties[i]);
            rc.vote(cid, i == 1);
        }
    }

    function test_validator_lifecycle_unbondingCannotVote() public {
        bytes32 cid = _file(1e6);
        _afterAnswerWindow();
        address v = validators[0];
        vm.startPrank(v);
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesNotUnbonded.selector, v, 0));
        rc.withdrawValidatorStake();
        rc.unregisterValidator();
        uint256 end = block.timestamp + rc.VALIDATOR_UNBONDING();
        assertEq(rc.validatorOf(v).unbondingEnd, end);
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesNotValidator.selector, v));
        rc.vote(cid, true);
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesNotValidator.selector, v));
        rc.unregisterValidator();
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesNotUnbonded.selector, v, end));
        rc.withdrawValidatorStake();
        vm.warp(end);
        assertEq(rc.withdrawValidatorStake(), VALIDATOR_STAKE);
        vm.stopPrank();
        assertEq(usd.balanceOf(v), VALIDATOR_STAKE);
        assertEq(rc.totalValidatorStake(), 4 * VALIDATOR_STAKE);
    }

    function test_registerValidator_rejectsLowStakeAndTwice() public {
        vm.startPrank(validators[0]);
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesAlreadyValidator.selector, validators[0]));
        rc.registerValidator(VALIDATOR_STAKE);
        vm.stopPrank();
        vm.expectRevert(
            abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesStakeTooLow.selector, VALIDATOR_STAKE - 1, VALIDATOR_STAKE)
        );
        vm.prank(stranger);
        rc.registerValidator(VALIDATOR_STAKE - 1);
    }

    // ------------------------------------------------- forged / altered receipts

    function _expectInvalidSignature(ReceiptLib.Receipt memory signed, ReceiptLib.Receipt memory filed, bytes memory sig)
        internal
    {
        bytes32 filedDigest = _digest(filed, block.chainid, address(channels));
        (address recovered,,) = ECDSA.tryRecover(filedDigest, sig);
        assertTrue(recovered != operator);
        signed; // documents which receipt the signature was made over
        vm.expectRevert(
            abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesInvalidSignature.selector, operator, recovered)
        );
    }

    function _fileAs(ReceiptLib.Receipt memory r, bytes memory sig, IPaymentChannels.Voucher memory v) internal {
        vm.prank(challenger);
        rc.challenge(operator, r, sig, v, "");
    }

    function test_challenge_rejectsEveryAlteredField() public {
        IPaymentChannels.Voucher memory v = _voucher(1e6);
        ReceiptLib.Receipt memory signed = _receipt(v);
        bytes memory sig = _signReceipt(signed);
        for (uint256 field; field < 5; ++field) {
            ReceiptLib.Receipt memory altered = _receipt(v);
            if (field == 0) altered.modelId += 1;
            else if (field == 1) altered.weightsCidHash = keccak256("cheaper weights");
            else if (field == 2) altered.body = keccak256("another body");
            else if (field == 3) altered.payment = keccak256("another payment");
            else altered.cost += 1;
            _expectInvalidSignature(signed, altered, sig);
            _fileAs(altered, sig, v);
        }
        // The untouched receipt goes through.
        _fileAs(signed, sig, v);
    }

    function test_challenge_rejectsSignatureOfAnotherKey() public {
        IPaymentChannels.Voucher memory v = _voucher(1e6);
        ReceiptLib.Receipt memory r = _receipt(v);
        bytes memory sig = _sign(payerKey, _digest(r, block.chainid, address(channels)));
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesInvalidSignature.selector, operator, payer));
        _fileAs(r, sig, v);
    }

    function test_challenge_rejectsSignatureForAnotherChain() public {
        IPaymentChannels.Voucher memory v = _voucher(1e6);
        ReceiptLib.Receipt memory r = _receipt(v);
        bytes memory sig = _sign(operatorKey, _digest(r, block.chainid + 1, address(channels)));
        _expectInvalidSignature(r, r, sig);
        _fileAs(r, sig, v);
        // The same receipt signed on "another chain" becomes valid only there.
        vm.chainId(block.chainid + 1);
        v = _voucher(1e6);
        r = _receipt(v); // the voucher digest moves with the chain too
        sig = _sign(operatorKey, _digest(r, block.chainid, address(channels)));
        _fileAs(r, sig, v);
    }

    function test_challenge_rejectsSignatureForAnotherVerifyingContract() public {
        IPaymentChannels.Voucher memory v = _voucher(1e6);
        ReceiptLib.Receipt memory r = _receipt(v);
        address otherChannels = address(new PaymentChannels(shares));
        bytes memory sig = _sign(operatorKey, _digest(r, block.chainid, otherChannels));
        _expectInvalidSignature(r, r, sig);
        _fileAs(r, sig, v);
    }

    function test_challenge_rejectsMalleableAndMalformedSignatures() public {
        IPaymentChannels.Voucher memory v = _voucher(1e6);
        ReceiptLib.Receipt memory r = _receipt(v);
        (uint8 sv, bytes32 sr, bytes32 ss) = vm.sign(operatorKey, _digest(r, block.chainid, address(channels)));
        // The high-s twin of a valid signature recovers to the operator in ecrecover, and is refused.
        bytes32 highS = bytes32(0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141 - uint256(ss));
        bytes memory twin = abi.encodePacked(sr, highS, sv == 27 ? uint8(28) : uint8(27));
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesInvalidSignature.selector, operator, address(0)));
        _fileAs(r, twin, v);
        // 64-byte (EIP-2098) and empty signatures.
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesInvalidSignature.selector, operator, address(0)));
        _fileAs(r, abi.encodePacked(sr, ss), v);
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesInvalidSignature.selector, operator, address(0)));
        _fileAs(r, "", v);
    }

    function test_challenge_rejectsAlteredVoucher() public {
        IPaymentChannels.Voucher memory v = _voucher(1e6);
        ReceiptLib.Receipt memory r = _receipt(v);
        bytes memory sig = _signReceipt(r);
        IPaymentChannels.Voucher memory altered = _voucher(2e6);
        vm.expectRevert(
            abi.encodeWithSelector(
                IReceiptChallenges.ReceiptChallengesPaymentMismatch.selector, r.payment, channels.hashVoucher(altered)
            )
        );
        _fileAs(r, sig, altered);
    }

    function test_challenge_rejectsVoucherOfAnotherModel() public {
        // The operator signed a receipt for model `id` that names a voucher for another model.
        IPaymentChannels.Voucher memory v = _voucher(1e6);
        v.modelId = id + 1;
        ReceiptLib.Receipt memory r = _receipt(v);
        r.modelId = id;
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesModelMismatch.selector, id, id + 1));
        _fileAs(r, _signReceipt(r), v);
    }

    function test_challenge_rejectsVoucherOfAnotherOperatorsChannel() public {
        address otherOperator = makeAddr("otherOperator");
        bytes32 otherChannel = _openChannel(makeAddr("otherPayer"), otherOperator);
        IPaymentChannels.Voucher memory v = _voucher(1e6);
        v.channelId = otherChannel;
        ReceiptLib.Receipt memory r = _receipt(v);
        vm.expectRevert(
            abi.encodeWithSelector(
                IReceiptChallenges.ReceiptChallengesWrongOperator.selector, otherChannel, otherOperator, operator
            )
        );
        _fileAs(r, _signReceipt(r), v);
        // A channel that does not exist.
        v.channelId = keccak256("nowhere");
        r = _receipt(v);
        vm.expectRevert(
            abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesWrongOperator.selector, v.channelId, address(0), operator)
        );
        _fileAs(r, _signReceipt(r), v);
    }

    function test_challenge_rejectsOperatorWithoutStake() public {
        uint256 other = _createModel(creator, SUPPLY, 1_000);
        IPaymentChannels.Voucher memory v = _voucher(1e6);
        v.modelId = other;
        ReceiptLib.Receipt memory r = _receipt(v);
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesNoStake.selector, other, operator));
        _fileAs(r, _signReceipt(r), v);
    }

    function test_challenge_rejectsTheSameReceiptTwice() public {
        IPaymentChannels.Voucher memory v = _voucher(1e6);
        ReceiptLib.Receipt memory r = _receipt(v);
        bytes memory sig = _signReceipt(r);
        bytes32 cid = _file(1e6);
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesAlreadyChallenged.selector, cid));
        _fileAs(r, sig, v);
        // Not after resolution either.
        vm.prank(timelock);
        rc.decide(cid, false);
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesAlreadyChallenged.selector, cid));
        _fileAs(r, sig, v);
        // Another receipt of the same operator can be.
        _file(2e6);
        assertEq(rc.openChallenges(id, operator), 1);
    }

    function test_challenge_rejectsLongEvidence() public {
        IPaymentChannels.Voucher memory v = _voucher(1e6);
        ReceiptLib.Receipt memory r = _receipt(v);
        bytes memory sig = _signReceipt(r);
        string memory long = string(new bytes(257));
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesEvidenceTooLong.selector, 257));
        vm.prank(challenger);
        rc.challenge(operator, r, sig, v, long);
    }

    // ---------------------------------------------------------- escape, strangers

    function test_unregister_cannotEscapeAnOpenChallenge() public {
        bytes32 cid = _file(1e6);
        vm.prank(operator);
        registry.unregister(id);
        vm.warp(block.timestamp + registry.UNBONDING_PERIOD());
        vm.expectRevert(abi.encodeWithSelector(NodeRegistry.NodeRegistryStakeFrozen.selector, id, operator, 1));
        vm.prank(operator);
        registry.withdrawStake(id);
        // Voting is over by now; the DAO upholds, and the unbonding stake is slashed.
        vm.prank(timelock);
        rc.decide(cid, true);
        assertEq(registry.stakeOf(id, operator), NODE_STAKE - SLASH);
        vm.prank(operator);
        assertEq(registry.withdrawStake(id), NODE_STAKE - SLASH);
        assertEq(usd.balanceOf(address(registry)), 0);
    }

    function test_challenge_reachesAnUnbondingNode() public {
        vm.prank(operator);
        registry.unregister(id);
        bytes32 cid = _file(1e6);
        _afterAnswerWindow();
        _voteAll(cid, true, QUORUM);
        assertEq(registry.stakeOf(id, operator), NODE_STAKE - SLASH);
    }

    function test_strangerCallsEveryOpenFunction() public {
        bytes32 cid = _file(1e6);
        vm.startPrank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesNotOperator.selector, cid, stranger));
        rc.answer(cid, bytes32(0));
        _afterAnswerWindow();
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesNotValidator.selector, stranger));
        rc.vote(cid, true);
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesNotDao.selector, id, stranger, timelock));
        rc.decide(cid, true);
        (, uint256 end) = rc.votingPeriod(cid);
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesVotingOpen.selector, cid, end));
        rc.resolve(cid);
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesNothingToWithdraw.selector, stranger));
        rc.withdraw();
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesNotValidator.selector, stranger));
        rc.unregisterValidator();
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesNotValidator.selector, stranger));
        rc.withdrawValidatorStake();
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesRegistryAlreadyBound.selector, address(registry)));
        rc.bindRegistry();
        vm.expectRevert(abi.encodeWithSelector(NodeRegistry.NodeRegistryNotSlasher.selector, stranger));
        registry.slash(id, operator, 1, stranger);
        bytes32 unknown = keccak256("unknown");
        vm.expectRevert(
            abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesNotOpen.selector, unknown, IReceiptChallenges.Status.None)
        );
        rc.vote(unknown, true);
        vm.stopPrank();
        assertEq(registry.stakeOf(id, operator), NODE_STAKE);
        assertEq(uint8(rc.challengeOf(cid).status), uint8(IReceiptChallenges.Status.Open));
    }

    function test_constructor_rejectsBadParams() public {
        IReceiptChallenges.Params memory p = _params(SLASH, CHALLENGER_BPS);
        p.quorum = 0;
        vm.expectRevert(IReceiptChallenges.ReceiptChallengesInvalidParams.selector);
        new ReceiptChallenges(shares, channels, factory, p);
        p = _params(SLASH, 10_001);
        vm.expectRevert(IReceiptChallenges.ReceiptChallengesInvalidParams.selector);
        new ReceiptChallenges(shares, channels, factory, p);
        vm.expectRevert(IReceiptChallenges.ReceiptChallengesZeroAddress.selector);
        new ReceiptChallenges(shares, IPaymentChannels(address(0)), factory, _params(SLASH, CHALLENGER_BPS));
    }

    function test_registry_cannotBindATakenSlasher() public {
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesRegistryAlreadyBound.selector, address(registry)));
        new NodeRegistry(shares, NODE_MIN_STAKE, INodeSlasher(address(rc)));
    }

    function test_challenge_revertsBeforeARegistryIsBound() public {
        rc = new ReceiptChallenges(shares, channels, factory, _params(SLASH, CHALLENGER_BPS));
        IPaymentChannels.Voucher memory v = _voucher(1e6);
        ReceiptLib.Receipt memory r = _receipt(v);
        bytes memory sig = _signReceipt(r);
        vm.expectRevert(IReceiptChallenges.ReceiptChallengesRegistryNotBound.selector);
        _fileAs(r, sig, v);
    }

    // ------------------------------------------------------------- splits, cap

    /// A slash bigger than the stake takes the whole stake and forgets the registration.
    function test_resolve_slashCappedAtStake() public {
        _redeploy(_params(type(uint256).max, CHALLENGER_BPS), NODE_STAKE);
        bytes32 cid = _file(1e6);
        vm.prank(timelock);
        rc.decide(cid, true);
        assertEq(registry.stakeOf(id, operator), 0);
        assertEq(registry.operatorsOf(id).length, 0);
        assertEq(rc.credits(challenger), BOND + NODE_STAKE * CHALLENGER_BPS / 10_000);
    }

    /// What the fee pool's lifetime cap refuses goes to the challenger.
    function test_resolve_feePoolCapRefusalGoesToChallenger() public {
        uint256 room = 5e6;
        _depositFees(id, shares.MAX_CUMULATIVE_FEES() - room);
        bytes32 cid = _file(1e6);
        uint256 poolBefore = usd.balanceOf(address(shares));
        vm.prank(timelock);
        rc.decide(cid, true);
        uint256 toChallenger = SLASH * CHALLENGER_BPS / 10_000;
        assertEq(usd.balanceOf(address(shares)) - poolBefore, room);
        assertEq(rc.credits(challenger), BOND + toChallenger + (SLASH - toChallenger - room));
        assertEq(usd.balanceOf(address(rc)), rc.totalValidatorStake() + rc.totalOpenBonds() + rc.totalCredits());
    }

    function testFuzz_resolve_slashSplitIsExactAndConserved(uint256 slash, uint16 bps, uint256 stake) public {
        slash = bound(slash, 0, 500e6);
        bps = uint16(bound(bps, 0, 10_000));
        stake = bound(stake, NODE_MIN_STAKE, 300e6);
        _redeploy(_params(slash, bps), stake);
        bytes32 cid = _file(1e6);
        uint256 poolBefore = usd.balanceOf(address(shares));
        vm.prank(timelock);
        rc.decide(cid, true);

        uint256 slashed = slash < stake ? slash : stake;
        uint256 toChallenger = slashed * bps / 10_000;
        assertEq(registry.stakeOf(id, operator), stake - slashed);
        assertEq(usd.balanceOf(address(registry)), stake - slashed);
        assertEq(rc.credits(challenger), BOND + toChallenger);
        assertEq(usd.balanceOf(address(shares)) - poolBefore, slashed - toChallenger);
        assertEq(usd.balanceOf(address(rc)), rc.totalValidatorStake() + rc.totalCredits());
        // A node left below the minimum stake is out of the active set.
        bool active = registry.operatorsOf(id).length == 1;
        assertEq(active, stake - slashed >= NODE_MIN_STAKE);
    }
}
