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
        assertEq(rc.challengeOf(cid).payer, payer);
        assertEq(usd.balanceOf(address(rc)), 5 * VALIDATOR_STAKE + BOND);
        assertEq(rc.openChallenges(id, operator), 1);
        _afterAnswerWindow();
        _voteAll(cid, true, QUORUM - 1);
        assertEq(uint8(rc.challengeOf(cid).status), uint8(IReceiptChallenges.Status.Open));
        uint256 toChallenger = SLASH * CHALLENGER_BPS / 10_000;
        // Half the slash, capped at what the payer paid for the answer (the receipt's cost, 1e6).
        uint256 toPayer = 1e6;
        assertLt(toPayer, SLASH * PAYER_BPS / 10_000);
        vm.expectEmit(address(rc));
        emit IReceiptChallenges.ChallengeResolved(
            cid,
            IReceiptChallenges.Status.Upheld,
            IReceiptChallenges.Resolver.Validators,
            SLASH,
            toChallenger + BOND,
            0,
            toPayer,
            SLASH - toChallenger - toPayer
        );
        vm.prank(validators[QUORUM - 1]);
        rc.vote(cid, true);

        IReceiptChallenges.Challenge memory c = rc.challengeOf(cid);
        assertEq(uint8(c.status), uint8(IReceiptChallenges.Status.Upheld));
        assertEq(c.cheatVotes, QUORUM);
        assertEq(rc.openChallenges(id, operator), 0);
        assertEq(registry.stakeOf(id, operator), NODE_STAKE - SLASH);
        assertEq(usd.balanceOf(address(registry)), NODE_STAKE - SLASH);
        // Nothing to the holders who could decide disputes: the harmed payer and the challenger, the rest burned.
        assertEq(usd.balanceOf(address(shares)), poolBefore, "fee pool");
        assertEq(usd.balanceOf(BURN), SLASH - toChallenger - toPayer, "burned");
        assertEq(rc.credits(challenger), BOND + toChallenger);
        assertEq(rc.credits(payer), toPayer);
        assertEq(rc.totalCredits(), BOND + toChallenger + toPayer);
        assertEq(rc.totalOpenBonds(), 0);

        uint256 before = usd.balanceOf(challenger);
        vm.prank(challenger);
        assertEq(rc.withdraw(), BOND + toChallenger);
        assertEq(usd.balanceOf(challenger) - before, BOND + toChallenger);
        vm.prank(payer);
        assertEq(rc.withdraw(), toPayer);
        assertEq(usd.balanceOf(address(rc)), 5 * VALIDATOR_STAKE);
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

    /// Finding (medium): the DAO decided before the operator could answer (in the filing block), and 75% of the slash
    /// went into the fee pool of the same holders. Now it decides only after the answer window, and the slash goes to
    /// the payer, the challenger and the burn address.
    function test_decide_daoNeverBeforeTheAnswerWindowNorPaidForIt() public {
        uint256 poolBefore = usd.balanceOf(address(shares));
        bytes32 cid = _file(1e6);
        uint256 opens = block.timestamp + ANSWER_WINDOW;
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesDaoTooEarly.selector, cid, opens));
        vm.prank(timelock);
        rc.decide(cid, true);
        vm.warp(opens - 1);
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesDaoTooEarly.selector, cid, opens));
        vm.prank(timelock);
        rc.decide(cid, true);
        vm.warp(opens);
        vm.prank(timelock);
        rc.decide(cid, true);
        assertEq(usd.balanceOf(address(shares)), poolBefore, "nothing to the deciders' fee pool");
        assertEq(usd.balanceOf(timelock), 0);
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
        _afterAnswerWindow();
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

    function test_challenge_eachFilerOncePerReceipt() public {
        IPaymentChannels.Voucher memory v = _voucher(1e6);
        ReceiptLib.Receipt memory r = _receipt(v);
        bytes memory sig = _signReceipt(r);
        bytes32 digest = rc.receiptDigest(r);
        bytes32 cid = _file(1e6);
        assertEq(rc.challengeOf(cid).receipt, digest);
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesAlreadyChallenged.selector, digest));
        _fileAs(r, sig, v);
        // Not after resolution either.
        _afterAnswerWindow();
        vm.prank(timelock);
        rc.decide(cid, false);
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesAlreadyChallenged.selector, digest));
        _fileAs(r, sig, v);
        // Another receipt of the same operator can be.
        _file(2e6);
        assertEq(rc.openChallenges(id, operator), 1);
    }

    /// Finding (medium): a receipt could be challenged once, by whoever filed first. The operator's accomplice filed
    /// with bogus evidence, had it rejected (the bond back to the operator's side), and the cheating receipt could never
    /// be challenged again. Now the payer (or anyone else) files its own challenge and the cheat is slashed.
    function test_challenge_anAccompliceFilingFirstDoesNotShieldTheReceipt() public {
        IPaymentChannels.Voucher memory v = _voucher(1e6);
        ReceiptLib.Receipt memory r = _receipt(v);
        bytes memory sig = _signReceipt(r);
        bytes32 bogus = _fileFrom(makeAddr("accomplice"), v);
        _afterAnswerWindow();
        _voteAll(bogus, false, QUORUM);
        assertEq(uint8(rc.challengeOf(bogus).status), uint8(IReceiptChallenges.Status.Rejected));
        // The payer files the same receipt with its real evidence, and the validators uphold it.
        bytes32 real = _fileFrom(payer, v);
        assertTrue(real != bogus);
        _afterAnswerWindow();
        _voteAll(real, true, QUORUM);
        assertEq(uint8(rc.challengeOf(real).status), uint8(IReceiptChallenges.Status.Upheld));
        assertEq(registry.stakeOf(id, operator), NODE_STAKE - SLASH);
        // Proven once, slashed once: a later filing is refused, and one still open gets its bond back, no second slash.
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesReceiptUpheld.selector, rc.receiptDigest(r)));
        _fileAs(r, sig, v);
    }

    /// Review finding (F2 class): with a share of the slash for the payer, an operator paying itself through its own
    /// channel, and filing through an accomplice, took back 75% of its own slash. The payer's share is now capped at
    /// what the receipt says it paid.
    function test_resolve_anOperatorPayingItselfTakesBackAtMostWhatItPaid() public {
        bytes32 own = _openChannel(operator, operator);
        IPaymentChannels.Voucher memory v =
            IPaymentChannels.Voucher({channelId: own, modelId: id, cumulativeAmount: 1e6, feeShareBps: 3_000});
        address accomplice = makeAddr("accomplice");
        bytes32 cid = _fileFrom(accomplice, v);
        assertEq(rc.challengeOf(cid).paid, 1e6);
        _afterAnswerWindow();
        _voteAll(cid, true, QUORUM);
        // The operator's side gets the challenger's 25% and 1e6 (what "it paid"), not the payer's 50%.
        assertEq(rc.credits(operator), 1e6);
        assertEq(rc.credits(accomplice), BOND + SLASH * CHALLENGER_BPS / 10_000);
        assertEq(usd.balanceOf(BURN), SLASH - SLASH * CHALLENGER_BPS / 10_000 - 1e6);
    }

    /// Review finding (F4): the receipt's payer, registered as a validator, voted on its own share of the slash.
    function test_vote_thePayerIsAPartyToo() public {
        bytes32 cid = _file(1e6);
        vm.prank(validators[0]);
        rc.unregisterValidator();
        _fund(payer, VALIDATOR_STAKE);
        vm.startPrank(payer);
        usd.approve(address(rc), type(uint256).max);
        vm.stopPrank();
        // A payer registered before the filing (here: a fresh challenge after its registration).
        vm.prank(payer);
        rc.registerValidator(VALIDATOR_STAKE);
        vm.warp(block.timestamp + 1);
        bytes32 later = _file(2e6);
        _afterAnswerWindow();
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesConflictOfInterest.selector, later, payer));
        vm.prank(payer);
        rc.vote(later, true);
        assertEq(uint8(rc.challengeOf(cid).status), uint8(IReceiptChallenges.Status.Open));
    }

    /// Review finding (F3): the DAO filed against an honest receipt and decided it, paid the challenger's share.
    function test_decide_notOnTheDaosOwnFiling() public {
        bytes32 cid = _fileFrom(timelock, _voucher(1e6));
        _afterAnswerWindow();
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesConflictOfInterest.selector, cid, timelock));
        vm.prank(timelock);
        rc.decide(cid, true);
    }

    function test_challenge_anOpenDuplicateOfAnUpheldReceiptGetsItsBondBackWithoutASecondSlash() public {
        IPaymentChannels.Voucher memory v = _voucher(1e6);
        bytes32 first = _file(1e6);
        bytes32 second = _fileFrom(payer, v);
        assertEq(rc.openChallenges(id, operator), 2);
        _afterAnswerWindow();
        _voteAll(first, true, QUORUM);
        uint256 payerCredit = rc.credits(payer);
        // Even voted honest, the second ends upheld (the receipt was a cheat) with its bond back and nothing slashed.
        _voteAll(second, false, QUORUM);
        assertEq(uint8(rc.challengeOf(second).status), uint8(IReceiptChallenges.Status.Upheld));
        assertEq(rc.credits(payer) - payerCredit, BOND);
        assertEq(registry.stakeOf(id, operator), NODE_STAKE - SLASH);
        assertEq(rc.openChallenges(id, operator), 0);
        assertEq(usd.balanceOf(address(rc)), rc.totalValidatorStake() + rc.totalOpenBonds() + rc.totalCredits());
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
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesNotDeployer.selector, stranger));
        rc.bindRegistry(address(registry));
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
        NodeRegistry another = new NodeRegistry(shares, NODE_MIN_STAKE, INodeSlasher(address(rc)));
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesRegistryAlreadyBound.selector, address(registry)));
        rc.bindRegistry(address(another));
    }

    /// Finding (low): deployment is two transactions, and `bindRegistry` took its first caller. A stranger's registry
    /// deployed in between took the slasher, and every registry naming it was then undeployable. Now only the deployer
    /// binds, and only a registry that names this contract.
    function test_bindRegistry_aStrangerCannotTakeTheSlasherBetweenTheDeployments() public {
        rc = new ReceiptChallenges(shares, channels, factory, _params(SLASH, CHALLENGER_BPS));
        address stranger = makeAddr("stranger");
        vm.startPrank(stranger);
        NodeRegistry squatter = new NodeRegistry(shares, 1, INodeSlasher(address(rc)));
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesNotDeployer.selector, stranger));
        rc.bindRegistry(address(squatter));
        vm.stopPrank();
        assertEq(address(rc.registry()), address(0));
        // The deployer binds the real registry; not one naming another slasher.
        NodeRegistry other = new NodeRegistry(shares, NODE_MIN_STAKE, INodeSlasher(address(0xdead)));
        vm.expectRevert(
            abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesNotRegistrySlasher.selector, address(other), address(0xdead))
        );
        rc.bindRegistry(address(other));
        registry = new NodeRegistry(shares, NODE_MIN_STAKE, INodeSlasher(address(rc)));
        vm.expectEmit(address(rc));
        emit IReceiptChallenges.RegistryBound(address(registry));
        rc.bindRegistry(address(registry));
        assertEq(address(rc.registry()), address(registry));
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
        _afterAnswerWindow();
        vm.prank(timelock);
        rc.decide(cid, true);
        assertEq(registry.stakeOf(id, operator), 0);
        assertEq(registry.operatorsOf(id).length, 0);
        assertEq(rc.credits(challenger), BOND + NODE_STAKE * CHALLENGER_BPS / 10_000);
    }

    /// The payer's and the challenger's shares cannot exceed the whole slash together.
    function test_constructor_rejectsSharesOverTheWhole() public {
        IReceiptChallenges.Params memory p = _params(SLASH, 6_000);
        p.payerShareBps = 4_001;
        vm.expectRevert(IReceiptChallenges.ReceiptChallengesInvalidParams.selector);
        new ReceiptChallenges(shares, channels, factory, p);
    }

    function testFuzz_resolve_slashSplitIsExactAndConserved(uint256 slash, uint16 bps, uint16 payerBps, uint256 stake) public {
        slash = bound(slash, 0, 500e6);
        bps = uint16(bound(bps, 0, 10_000));
        payerBps = uint16(bound(payerBps, 0, 10_000 - bps));
        stake = bound(stake, NODE_MIN_STAKE, 300e6);
        IReceiptChallenges.Params memory p = _params(slash, bps);
        p.payerShareBps = payerBps;
        _redeploy(p, stake);
        bytes32 cid = _file(1e6);
        uint256 poolBefore = usd.balanceOf(address(shares));
        _afterAnswerWindow();
        vm.prank(timelock);
        rc.decide(cid, true);

        uint256 slashed = slash < stake ? slash : stake;
        uint256 toChallenger = slashed * bps / 10_000;
        uint256 toPayer = slashed * payerBps / 10_000;
        if (toPayer > 1e6) toPayer = 1e6; // capped at the receipt's cost
        assertEq(registry.stakeOf(id, operator), stake - slashed);
        assertEq(usd.balanceOf(address(registry)), stake - slashed);
        assertEq(rc.credits(challenger), BOND + toChallenger);
        assertEq(rc.credits(payer), toPayer);
        assertEq(usd.balanceOf(BURN), slashed - toChallenger - toPayer);
        assertEq(usd.balanceOf(address(shares)), poolBefore);
        assertEq(usd.balanceOf(address(rc)), rc.totalValidatorStake() + rc.totalCredits());
        // A node left below the minimum stake is out of the active set.
        bool active = registry.operatorsOf(id).length == 1;
        assertEq(active, stake - slashed >= NODE_MIN_STAKE);
    }
}
