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
        assertEq(rc.roundOf(cid, 0).snapshot, 5 * VALIDATOR_STAKE);
        assertEq(usd.balanceOf(address(rc)), 5 * VALIDATOR_STAKE + BOND);
        assertEq(rc.openChallenges(id, operator), 1);
        _afterAnswerWindow();
        for (uint256 i; i < QUORUM; ++i) _commit(cid, validators[i], true);
        uint256 risk = VALIDATOR_STAKE * PENALTY_BPS / 10_000;
        assertEq(rc.totalVoteEscrow(), QUORUM * risk);
        assertEq(rc.validatorOf(validators[0]).stake, VALIDATOR_STAKE - risk);
        _nextPhase(cid);
        for (uint256 i; i < QUORUM; ++i) _reveal(cid, validators[i], true);
        _nextPhase(cid);
        (IReceiptChallenges.Phase phase,) = rc.phaseOf(cid);
        assertEq(uint8(phase), uint8(IReceiptChallenges.Phase.Appeal));
        vm.expectRevert();
        rc.resolve(cid);
        _nextPhase(cid);
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
        vm.prank(stranger);
        rc.resolve(cid);

        IReceiptChallenges.Challenge memory c = rc.challengeOf(cid);
        assertEq(uint8(c.status), uint8(IReceiptChallenges.Status.Upheld));
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
        // The voters, all on the outcome, take their risk back into their stake.
        for (uint256 i; i < QUORUM; ++i) {
            assertEq(rc.settleVote(cid, 0, validators[i]), risk);
            assertEq(rc.validatorOf(validators[i]).stake, VALIDATOR_STAKE);
        }
        assertEq(rc.totalVoteEscrow(), 0);

        uint256 before = usd.balanceOf(challenger);
        vm.prank(challenger);
        assertEq(rc.withdraw(), BOND + toChallenger);
        assertEq(usd.balanceOf(challenger) - before, BOND + toChallenger);
        vm.prank(payer);
        assertEq(rc.withdraw(), toPayer);
        assertEq(usd.balanceOf(address(rc)), 5 * VALIDATOR_STAKE);
    }

    function test_vote_honestMajority_bondGoesToOperator_dissenterPaysTheCoherent() public {
        bytes32 cid = _file(1e6);
        address[] memory voters = new address[](4);
        bool[] memory votes = new bool[](4);
        for (uint256 i; i < 4; ++i) (voters[i], votes[i]) = (validators[i], i != 0); // validator 0 dissents: cheat
        for (uint256 i; i < 4; ++i) votes[i] = i == 0;
        _round(cid, voters, votes);
        _nextPhase(cid);
        rc.resolve(cid);
        IReceiptChallenges.Challenge memory c = rc.challengeOf(cid);
        assertEq(uint8(c.status), uint8(IReceiptChallenges.Status.Rejected));
        assertEq(registry.stakeOf(id, operator), NODE_STAKE);
        assertEq(rc.credits(operator), BOND);
        assertEq(rc.credits(challenger), 0);
        uint256 risk = VALIDATOR_STAKE * PENALTY_BPS / 10_000;
        // The dissenter's risk is split among the three coherent voters, by weight; settling its vote pays nothing.
        vm.prank(stranger);
        assertEq(rc.settleVote(cid, 0, validators[0]), 0);
        for (uint256 i = 1; i < 4; ++i) assertEq(rc.settleVote(cid, 0, validators[i]), risk + risk / 3);
        assertEq(rc.validatorOf(validators[0]).stake, VALIDATOR_STAKE - risk);
        assertEq(rc.validatorOf(validators[0]).locked, 0, "the lost risk no longer weighs");
        assertEq(rc.totalVoteEscrow(), risk - 3 * (risk / 3), "rounding dust stays in escrow");
        vm.prank(operator);
        rc.withdraw();
        assertEq(usd.balanceOf(operator), BOND);
        assertEq(usd.balanceOf(address(rc)), rc.totalValidatorStake() + rc.totalVoteEscrow());
    }

    function test_resolve_withoutQuorum_rejectsAndBurnsTheLoneRisk() public {
        bytes32 cid = _file(1e6);
        _voteAll(cid, true, QUORUM - 1); // 500 of 1,250 revealed: below the half the quorum needs
        assertEq(uint8(rc.challengeOf(cid).status), uint8(IReceiptChallenges.Status.Rejected));
        assertEq(rc.credits(operator), BOND);
        assertEq(registry.stakeOf(id, operator), NODE_STAKE);
        // Nobody voted the outcome: the two voters' risk is burned, not paid to anyone who decided.
        assertEq(usd.balanceOf(BURN), 2 * VALIDATOR_STAKE * PENALTY_BPS / 10_000);
        assertEq(rc.totalVoteEscrow(), 0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IReceiptChallenges.ReceiptChallengesNotOpen.selector, cid, IReceiptChallenges.Status.Rejected
            )
        );
        rc.resolve(cid);
    }

    function test_vote_commitRevealPhases() public {
        bytes32 cid = _file(1e6);
        // Votes open at filing, whatever the operator does (it has not answered).
        _commit(cid, validators[0], true);
        vm.expectRevert(
            abi.encodeWithSelector(
                IReceiptChallenges.ReceiptChallengesWrongPhase.selector, cid, IReceiptChallenges.Phase.Commit, block.timestamp + COMMIT_WINDOW
            )
        );
        _reveal(cid, validators[0], true);
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesAlreadyVoted.selector, cid, validators[0]));
        _commitAt(cid, 0, validators[0], false);
        _nextPhase(cid);
        vm.expectRevert(
            abi.encodeWithSelector(
                IReceiptChallenges.ReceiptChallengesWrongPhase.selector, cid, IReceiptChallenges.Phase.Reveal, block.timestamp + REVEAL_WINDOW
            )
        );
        _commitAt(cid, 0, validators[1], true);
        // A reveal must open the commitment: another vote (or salt) is refused.
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesRevealMismatch.selector, cid, validators[0]));
        _reveal(cid, validators[0], false);
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesRevealMismatch.selector, cid, validators[1]));
        _reveal(cid, validators[1], true);
        _reveal(cid, validators[0], true);
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesRevealMismatch.selector, cid, validators[0]));
        _reveal(cid, validators[0], true);
        assertEq(rc.roundOf(cid, 0).cheatWeight, VALIDATOR_STAKE);
        assertTrue(rc.ballotOf(cid, 0, validators[0]).revealed);
    }

    // ------------------------------------------------------------ the finding

    /// Finding (high): 3 operator-controlled validators (3/8 of the stake) cleared a cheat while 5 honest validators
    /// could not vote. Votes are now weighed by stake over a snapshot, and open to all for the whole commit window.
    function test_sybil_aMinorityOfStakeCannotClearACheat() public {
        address[] memory sybils = _sybils("operator sybil", 3, 5 * VALIDATOR_STAKE * 3 / 5 / 3); // 3/8 of the stake
        bytes32 cid = _file(1e6);
        address[] memory voters = new address[](8);
        bool[] memory votes = new bool[](8);
        for (uint256 i; i < 3; ++i) (voters[i], votes[i]) = (sybils[i], false);
        for (uint256 i; i < 5; ++i) (voters[3 + i], votes[3 + i]) = (validators[i], true);
        _round(cid, voters, votes);
        _nextPhase(cid);
        rc.resolve(cid);
        assertEq(uint8(rc.challengeOf(cid).status), uint8(IReceiptChallenges.Status.Upheld));
        assertEq(registry.stakeOf(id, operator), NODE_STAKE - SLASH);
        // The sybils lost their risk to the honest validators.
        for (uint256 i; i < 3; ++i) assertEq(rc.settleVote(cid, 0, sybils[i]), 0);
    }

    /// Finding (high): with quorum 1 and a stake of 1 unit, one validator of six slashed an honest operator. A
    /// validator set worth less than what a round moves decides nothing (the challenge goes to the DAO); a minority of
    /// stake that votes "cheat" against an honest majority loses.
    function test_sybil_aMinorityCannotSlashAnHonestOperator() public {
        address[] memory sybils = _sybils("challenger sybil", 1, VALIDATOR_STAKE);
        bytes32 cid = _file(1e6);
        address[] memory voters = new address[](6);
        bool[] memory votes = new bool[](6);
        (voters[0], votes[0]) = (sybils[0], true);
        for (uint256 i; i < 5; ++i) (voters[1 + i], votes[1 + i]) = (validators[i], false);
        _round(cid, voters, votes);
        _nextPhase(cid);
        rc.resolve(cid);
        assertEq(uint8(rc.challengeOf(cid).status), uint8(IReceiptChallenges.Status.Rejected));
        assertEq(registry.stakeOf(id, operator), NODE_STAKE);

        // The shipped parameters of the finding (a 1-unit stake): validators never decide, whatever they do.
        IReceiptChallenges.Params memory cheap = _params(SLASH, CHALLENGER_BPS);
        cheap.minValidatorStake = 1;
        _redeploy(cheap, NODE_STAKE);
        _sybils("one unit", 6, 1);
        bytes32 cid2 = _file(1e6);
        assertEq(rc.challengeOf(cid2).round, ROUNDS, "straight to the DAO");
        vm.expectRevert();
        _commitAt(cid2, ROUNDS, makeAddr("one unit0"), true);
    }

    /// The rule: a round is decided by validators only when its snapshot is at least the economic stake, so that a
    /// bought quorum risks more than the round can move.
    function test_economicStake_isTheRule() public view {
        for (uint8 r; r < ROUNDS; ++r) {
            uint256 moved = SLASH + BOND * ((uint256(2) << r) - 1);
            uint256 economic = rc.economicStake(r);
            assertGe(economic * QUORUM_BPS / 10_000 * PENALTY_BPS / 10_000, moved - 1);
            assertLt((economic - 1e6) * QUORUM_BPS / 10_000 * PENALTY_BPS / 10_000, moved);
        }
        assertEq(rc.economicStake(0), 840e6);
        assertEq(rc.economicStake(1), 920e6);
    }

    /// A bought round is appealed: validators join (the new round snapshots the stake anew), outvote it, and the
    /// bought majority pays them its risk. Bonds rise; the winner of the last round takes every bond.
    function test_appeal_overturnsABoughtRoundAndThePurchaseCostsItsRisk() public {
        // The operator's accomplices hold 3/5 of the stake before filing and clear the cheat in round 0.
        address[] memory bought = _sybils("bought", 3, 500e6);
        bytes32 cid = _file(1e6);
        address[] memory voters = new address[](3);
        bool[] memory votes = new bool[](3);
        for (uint256 i; i < 3; ++i) voters[i] = bought[i];
        _round(cid, voters, votes);
        // The challenger appeals (2 × the bond); honest validators join before the new round opens.
        address[] memory joined = _sybils("joined", 4, 500e6);
        vm.warp(block.timestamp + 1);
        vm.expectRevert(
            abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesNotAppellant.selector, cid, operator, challenger)
        );
        vm.prank(operator);
        rc.appeal(cid);
        vm.expectEmit(address(rc));
        emit IReceiptChallenges.ChallengeAppealed(cid, 1, challenger, false, 2 * BOND);
        vm.prank(challenger);
        rc.appeal(cid);
        assertEq(rc.challengeOf(cid).round, 1);
        // Escrowed risk still weighs: the bought stake counts whole, as it votes whole.
        assertEq(rc.roundOf(cid, 1).snapshot, 5 * VALIDATOR_STAKE + 3 * 500e6 + 4 * 500e6);
        address[] memory voters2 = new address[](7);
        bool[] memory votes2 = new bool[](7);
        for (uint256 i; i < 3; ++i) voters2[i] = bought[i];
        for (uint256 i; i < 4; ++i) (voters2[3 + i], votes2[3 + i]) = (joined[i], true);
        _round(cid, voters2, votes2);
        // Round 1 found a cheat; the operator may appeal to the DAO (4 × the bond) but does not.
        _nextPhase(cid);
        rc.resolve(cid);
        assertEq(uint8(rc.challengeOf(cid).status), uint8(IReceiptChallenges.Status.Upheld));
        assertEq(rc.credits(challenger), BOND + 2 * BOND + SLASH * CHALLENGER_BPS / 10_000);
        // The bought majority lost both rounds' risk; the joiners took it, by weight.
        uint256 claimed;
        for (uint256 i; i < 4; ++i) {
            claimed += rc.settleVote(cid, 1, joined[i]);
        }
        assertEq(claimed, 4 * 50e6 + 3 * 50e6, "round 1: their risk back and the bought risk");
        assertEq(usd.balanceOf(BURN), SLASH - SLASH * CHALLENGER_BPS / 10_000 - 1e6 + 3 * 50e6, "round 0 had no coherent voter");
        for (uint256 i; i < 3; ++i) {
            for (uint8 r; r < 2; ++r) rc.settleVote(cid, r, bought[i]);
            assertEq(rc.validatorOf(bought[i]).stake, 500e6 - 2 * 50e6, "both rounds' risk lost");
            assertEq(rc.validatorOf(bought[i]).locked, 0);
        }
    }

    /// The last appeal goes to the DAO, which decides only then; it overturns the validators.
    function test_appeal_toTheDao_whichDecidesOnlyAtTheEnd() public {
        bytes32 cid = _file(1e6);
        vm.expectRevert(
            abi.encodeWithSelector(
                IReceiptChallenges.ReceiptChallengesWrongPhase.selector, cid, IReceiptChallenges.Phase.Commit, block.timestamp + COMMIT_WINDOW
            )
        );
        vm.prank(timelock);
        rc.decide(cid, true);
        _appealToDao(cid);
        assertEq(usd.balanceOf(challenger), 100e6 - BOND - 2 * BOND - 4 * BOND);
        (IReceiptChallenges.Phase phase, uint256 until) = rc.phaseOf(cid);
        assertEq(uint8(phase), uint8(IReceiptChallenges.Phase.Dao));
        assertEq(until, block.timestamp + DAO_WINDOW);
        vm.prank(timelock);
        rc.decide(cid, true);
        assertEq(uint8(rc.challengeOf(cid).status), uint8(IReceiptChallenges.Status.Upheld));
        assertEq(rc.credits(challenger), 7 * BOND + SLASH * CHALLENGER_BPS / 10_000);
        // Both rounds voted against the final outcome: their risk is burned, nobody who decided is paid.
        assertEq(rc.totalVoteEscrow(), 0);
    }

    /// A DAO that does not decide leaves the last verdict standing.
    function test_appeal_aSilentDaoLeavesTheLastVerdict() public {
        bytes32 cid = _file(1e6);
        _voteAll0(cid, true);
        vm.prank(operator);
        vm.expectRevert(); // the operator has no allowance for the appeal bond yet
        rc.appeal(cid);
        _fund(operator, 2 * BOND);
        vm.startPrank(operator);
        usd.approve(address(rc), 2 * BOND);
        rc.appeal(cid);
        vm.stopPrank();
        _voteAll0(cid, true);
        _nextPhase(cid); // no appeal to the DAO
        rc.resolve(cid);
        assertEq(uint8(rc.challengeOf(cid).status), uint8(IReceiptChallenges.Status.Upheld));
        assertEq(rc.credits(challenger), BOND + 2 * BOND + SLASH * CHALLENGER_BPS / 10_000, "the operator's appeal bond too");
    }

    // -------------------------------------------------------------------- DAO

    /// Finding (medium): the DAO decided before the operator could answer (in the filing block), and 75% of the slash
    /// went into the fee pool of the same holders. Below the economic stake a challenge goes to the DAO, which
    /// decides only after the answer window; the slash goes to the payer, the challenger and the burn address.
    function test_decide_daoNeverBeforeTheAnswerWindowNorPaidForIt() public {
        _redeploy(_params(SLASH, CHALLENGER_BPS), NODE_STAKE);
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

    function test_decide_revertsForAnyoneButTheModelsTimelock() public {
        bytes32 cid = _toDao();
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

    function test_answer_onlyOnceWithinWindowByOperator() public {
        bytes32 cid = _file(1e6);
        uint256 deadline = block.timestamp + ANSWER_WINDOW;
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesNotOperator.selector, cid, challenger));
        vm.prank(challenger);
        rc.answer(cid, bytes32(0));
        vm.expectEmit(address(rc));
        emit IReceiptChallenges.ChallengeAnswered(cid, operator, keccak256("a"));
        vm.prank(operator);
        rc.answer(cid, keccak256("a"));
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesAnswerClosed.selector, cid, deadline));
        vm.prank(operator);
        rc.answer(cid, keccak256("b"));
        // Answering moves no deadline: the commit window still ends where it did.
        (, uint256 until) = rc.phaseOf(cid);
        assertEq(until, deadline - ANSWER_WINDOW + COMMIT_WINDOW);
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

    function test_vote_validatorRegisteredAfterFilingCannotVoteNorCounts() public {
        bytes32 cid = _file(1e6);
        uint256 filedAt = block.timestamp;
        address late = makeAddr("late");
        _registerAsValidator(late, VALIDATOR_STAKE);
        assertEq(rc.roundOf(cid, 0).snapshot, 5 * VALIDATOR_STAKE);
        vm.expectRevert(
            abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesValidatorTooNew.selector, late, filedAt, filedAt)
        );
        _commitAt(cid, 0, late, true);
    }

    function test_vote_stakeRegisteredInTheFilingBlockIsNotInTheSnapshot() public {
        _sybils("earlier block", 1, VALIDATOR_STAKE);
        assertEq(rc.eligibleStake(), 6 * VALIDATOR_STAKE);
        _registerAsValidator(makeAddr("same block"), VALIDATOR_STAKE);
        assertEq(rc.eligibleStake(), 6 * VALIDATOR_STAKE, "not in this block's snapshot");
        bytes32 cid = _file(1e6);
        assertEq(rc.roundOf(cid, 0).snapshot, 6 * VALIDATOR_STAKE);
        vm.warp(block.timestamp + 1);
        assertEq(rc.eligibleStake(), 7 * VALIDATOR_STAKE, "in the next block's");
    }

    /// Findings: the operator opened the vote itself and voted in it; the receipt's payer (review F4), registered as a
    /// validator, voted on its own share of the slash. No party commits a vote.
    function test_vote_partiesAreConflicted() public {
        // The operator, the challenger and the payer all register as validators before the filing.
        address[3] memory parties = [operator, challenger, payer];
        for (uint256 i; i < 3; ++i) _registerAsValidator(parties[i], VALIDATOR_STAKE);
        vm.warp(block.timestamp + 1);
        bytes32 cid = _file(1e6);
        for (uint256 i; i < 3; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesConflictOfInterest.selector, cid, parties[i])
            );
            _commitAt(cid, 0, parties[i], i == 1);
        }
    }

    function test_validator_lifecycle_unbondingCannotVoteButRevealsAndClaimsToCredits() public {
        bytes32 cid = _file(1e6);
        address v = validators[0];
        _commit(cid, v, true);
        vm.startPrank(v);
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesNotUnbonded.selector, v, 0));
        rc.withdrawValidatorStake();
        rc.unregisterValidator();
        uint256 end = block.timestamp + rc.VALIDATOR_UNBONDING();
        assertEq(rc.validatorOf(v).unbondingEnd, end);
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesNotValidator.selector, v));
        rc.unregisterValidator();
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesNotUnbonded.selector, v, end));
        rc.withdrawValidatorStake();
        vm.stopPrank();
        uint256 risk = VALIDATOR_STAKE * PENALTY_BPS / 10_000;
        // The rest vote too; the escrowed risk never left with the stake.
        for (uint256 i = 1; i < QUORUM + 1; ++i) _commit(cid, validators[i], true);
        _nextPhase(cid);
        for (uint256 i; i < QUORUM + 1; ++i) _reveal(cid, validators[i], true);
        vm.warp(end);
        // Its stake leaves after its votes: not while the dispute it voted on is open.
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesVotesPending.selector, v, 1));
        vm.prank(v);
        rc.withdrawValidatorStake();
        rc.resolve(cid);
        // Withdrawing settles the vote first: the escrow, on the outcome, goes to its credits.
        vm.prank(v);
        assertEq(rc.withdrawValidatorStake(), VALIDATOR_STAKE - risk);
        assertEq(rc.credits(v), risk);
        assertEq(rc.totalValidatorStake(), 4 * VALIDATOR_STAKE - QUORUM * risk);
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

    // ---------------------------------------------------------------- helpers

    /// @dev `count` validators named `name`0.. of `stake` each, registered now, then one second passes.
    function _sybils(string memory name, uint256 count, uint256 stake) internal returns (address[] memory out) {
        out = new address[](count);
        for (uint256 i; i < count; ++i) {
            out[i] = makeAddr(string.concat(name, vm.toString(i)));
            _registerAsValidator(out[i], stake);
        }
        vm.warp(block.timestamp + 1);
    }

    /// @dev All five validators vote `cheat` in the current round; it ends where its appeal window opens.
    function _voteAll0(bytes32 cid, bool cheat) internal {
        address[] memory voters = new address[](5);
        bool[] memory votes = new bool[](5);
        for (uint256 i; i < 5; ++i) (voters[i], votes[i]) = (validators[i], cheat);
        _round(cid, voters, votes);
    }

    /// @dev The first QUORUM validators vote `aCheat` on `a` and `bCheat` on `b`, filed together, through one round
    ///      each; both end where they may be resolved.
    function _roundsSideBySide(bytes32 a, bool aCheat, bytes32 b, bool bCheat) internal {
        for (uint256 i; i < QUORUM; ++i) {
            _commit(a, validators[i], aCheat);
            _commit(b, validators[i], bCheat);
        }
        _nextPhase(a);
        for (uint256 i; i < QUORUM; ++i) {
            _reveal(a, validators[i], aCheat);
            _reveal(b, validators[i], bCheat);
        }
        _nextPhase(a);
        _nextPhase(a);
    }

    /// @dev A challenge at the DAO: both validator rounds found no cheat and the challenger appealed each.
    function _toDao() internal returns (bytes32 cid) {
        cid = _file(1e6);
        _appealToDao(cid);
    }

    /// @dev Both validator rounds of `cid` find no cheat; the challenger appeals each, to the DAO.
    function _appealToDao(bytes32 cid) internal {
        for (uint256 round; round < ROUNDS; ++round) {
            _voteAll0(cid, false);
            vm.prank(challenger);
            rc.appeal(cid);
        }
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
        _voteAll(cid, false, QUORUM);
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

    /// Finding (low): with real evidence, the operator's accomplice filing first collected the challenger's 25% (and
    /// its bond) for its own operator's slash. When the payer filed on the receipt too, that share is the payer's.
    function test_resolve_anAccompliceFilingFirstWithRealEvidenceGainsNothingOnceThePayerFiles() public {
        IPaymentChannels.Voucher memory v = _voucher(1e6);
        address accomplice = makeAddr("accomplice");
        bytes32 first = _fileFrom(accomplice, v);
        bytes32 theirs = _fileFrom(payer, v);
        _roundsSideBySide(first, true, theirs, true);
        rc.resolve(first);
        assertEq(rc.credits(accomplice), BOND, "its own bond back, no share of the slash");
        assertEq(rc.credits(payer), SLASH * CHALLENGER_BPS / 10_000 + 1e6, "the finder's share and what it paid");
        rc.resolve(theirs);
        assertEq(rc.credits(payer), SLASH * CHALLENGER_BPS / 10_000 + 1e6 + BOND);
        assertEq(registry.stakeOf(id, operator), NODE_STAKE - SLASH, "slashed once");
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

    /// Review finding (F3): the DAO filed against an honest receipt and decided it, paid the challenger's share.
    function test_decide_notOnTheDaosOwnFiling() public {
        _redeploy(_params(SLASH, CHALLENGER_BPS), NODE_STAKE); // no validators: straight to the DAO
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
        _roundsSideBySide(first, true, second, false);
        rc.resolve(first);
        uint256 payerCredit = rc.credits(payer);
        // Even voted honest, the second ends upheld (the receipt was a cheat) with its bond back and nothing slashed.
        rc.resolve(second);
        assertEq(uint8(rc.challengeOf(second).status), uint8(IReceiptChallenges.Status.Upheld));
        assertEq(rc.credits(payer) - payerCredit, BOND);
        assertEq(registry.stakeOf(id, operator), NODE_STAKE - SLASH);
        assertEq(rc.openChallenges(id, operator), 0);
        assertEq(
            usd.balanceOf(address(rc)),
            rc.totalValidatorStake() + rc.totalOpenBonds() + rc.totalCredits() + rc.totalVoteEscrow()
        );
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
        // Two validator rounds find no cheat, each appealed: at the DAO, past the unbonding period, still frozen.
        _voteAll0(cid, false);
        vm.prank(challenger);
        rc.appeal(cid);
        _voteAll0(cid, false);
        vm.prank(challenger);
        rc.appeal(cid);
        vm.warp(rc.challengeOf(cid).filedAt + registry.UNBONDING_PERIOD());
        vm.expectRevert(abi.encodeWithSelector(NodeRegistry.NodeRegistryStakeFrozen.selector, id, operator, 1));
        vm.prank(operator);
        registry.withdrawStake(id);
        // The DAO upholds, and the unbonding stake is slashed.
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
        rc.commitVote(cid, bytes32(0));
        vm.expectRevert(abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesNotDao.selector, id, stranger, timelock));
        rc.decide(cid, true);
        (, uint256 end) = rc.phaseOf(cid);
        bytes memory inCommit = abi.encodeWithSelector(
            IReceiptChallenges.ReceiptChallengesWrongPhase.selector, cid, IReceiptChallenges.Phase.Commit, end
        );
        vm.expectRevert(inCommit);
        rc.resolve(cid);
        vm.expectRevert(inCommit);
        rc.revealVote(cid, true, bytes32(0));
        vm.expectRevert(inCommit);
        rc.appeal(cid);
        vm.expectRevert(
            abi.encodeWithSelector(IReceiptChallenges.ReceiptChallengesNothingToClaim.selector, cid, uint8(0), stranger)
        );
        rc.settleVote(cid, 0, stranger);
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
        rc.commitVote(unknown, bytes32(0));
        vm.stopPrank();
        assertEq(registry.stakeOf(id, operator), NODE_STAKE);
        assertEq(uint8(rc.challengeOf(cid).status), uint8(IReceiptChallenges.Status.Open));
    }

    function test_constructor_rejectsBadParams() public {
        IReceiptChallenges.Params memory p = _params(SLASH, CHALLENGER_BPS);
        for (uint256 i; i < 7; ++i) {
            p = _params(SLASH, CHALLENGER_BPS);
            if (i == 0) p.quorumBps = 0;
            if (i == 1) p.quorumBps = 10_001;
            if (i == 2) p.penaltyBps = 0;
            if (i == 3) p.validatorRounds = 0;
            if (i == 4) p.validatorRounds = 9;
            if (i == 5) p.commitWindow = ANSWER_WINDOW - 1; // validators would vote before hearing the operator
            if (i == 6) p.daoWindow = 0;
            vm.expectRevert(IReceiptChallenges.ReceiptChallengesInvalidParams.selector);
            new ReceiptChallenges(shares, channels, factory, p);
        }
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
        assertEq(usd.balanceOf(address(rc)), rc.totalValidatorStake() + rc.totalCredits() + rc.totalVoteEscrow());
        // A node left below the minimum stake is out of the active set.
        bool active = registry.operatorsOf(id).length == 1;
        assertEq(active, stake - slashed >= NODE_MIN_STAKE);
    }
}
