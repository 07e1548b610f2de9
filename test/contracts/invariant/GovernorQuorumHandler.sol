// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {TestUSD} from "../../../contracts/mocks/TestUSD.sol";
import {IModelShares} from "../../../contracts/interfaces/IModelShares.sol";
import {ModelShares} from "../../../contracts/shares/ModelShares.sol";
import {ShareOffering} from "../../../contracts/shares/ShareOffering.sol";
import {ModelGovernor} from "../../../contracts/governance/ModelGovernor.sol";
import {QualityStaking} from "../../../contracts/governance/QualityStaking.sol";
import {GovernorHandlerBase} from "./GovernorHandlerBase.sol";

/// @notice Drives one model's governor while its shares move in and out of the ShareOffering escrow (whose shares
///         cannot vote, so the quorums are fractions of the supply less the escrow's votes): holders list, cancel and
///         transfer shares, buyers buy, holders delegate (to the escrow too), propose versions, prices and quorum
///         changes, vote, queue and execute; stakers stake before the vote and a late staker after it; the proposer
///         tries to cancel in every state, the guardian cancels mid-flight, the DAO's timelock (the model's admin)
///         registers extra snapshots and changes the price and the staking cut mid-flight, and a stranger calls every
///         open function. Ghosts record, per block, the escrow's votes and the quorum numerator, independently of
///         the lazy vote history the governor reads.
contract GovernorQuorumHandler is GovernorHandlerBase {
    struct Proposal {
        uint256 proposalId;
        address target;
        bytes data;
        string description;
        bool version;
        address proposer;
    }

    /// @dev A value from a block on, for the ghost histories.
    struct Point {
        uint256 blockNumber;
        uint256 value;
    }

    ModelShares public immutable shares;
    ShareOffering public immutable offering;
    address public stranger = makeAddr("gq stranger");

    uint256 public constant MAX_PROPOSALS = 10;
    Proposal[] internal _proposals;
    Proposal internal _none;
    uint256[] internal _offerings;

    Point[] internal _escrowVotes;
    Point[] internal _quorumPercent;
    mapping(uint256 proposalId => uint256) public ghostWeightCast;
    uint256 public ghostStaked;
    uint256 public ghostPaid;
    bool public ghostWrongWeight;
    bool public ghostEscrowVoted;
    bool public ghostLateStake;
    bool public ghostStakeRefused;
    bool public ghostStrangerSucceeded;

    constructor(
        ModelShares shares_,
        TestUSD usd_,
        ShareOffering offering_,
        QualityStaking staking_,
        ModelGovernor governor_,
        address timelock_,
        address guardian_,
        uint256 modelId_,
        address[] memory holders
    )
        GovernorHandlerBase(
            Dao(usd_, staking_, governor_, timelock_, guardian_, modelId_), holders, ["gq buyer 1", "gq buyer 2"]
        )
    {
        shares = shares_;
        offering = offering_;
        // Holders list shares; the two outsiders buy them, stake, and may vote what they bought.
        for (uint256 i; i < holders.length; ++i) {
            vm.prank(holders[i]);
            shares_.setApprovalForAll(address(offering_), true);
        }
        _quorumPercent.push(Point(0, governor_.quorumNumerator()));
        _record();
    }

    // ---------------------------------------------------------------- views

    function proposalCount() external view returns (uint256) {
        return _proposals.length;
    }

    function proposal(uint256 i) external view returns (Proposal memory) {
        return _proposals[i];
    }

    /// @notice The escrow's votes at the end of block `t`, as the handler saw them change.
    function escrowVotesAt(uint256 t) external view returns (uint256) {
        return _at(_escrowVotes, t);
    }

    /// @notice The quorum percentage in force at block `t`, as the handler saw it change.
    function quorumPercentAt(uint256 t) external view returns (uint256) {
        return _at(_quorumPercent, t);
    }

    function _at(Point[] storage points, uint256 t) internal view returns (uint256 value) {
        for (uint256 i; i < points.length && points[i].blockNumber <= t; ++i) {
            value = points[i].value;
        }
    }

    // -------------------------------------------------------------- helpers

    /// @dev Records the escrow's live votes for the current block (after every change).
    function _record() internal {
        uint256 votes = shares.getVotes(modelId, address(offering));
        uint256 n = _escrowVotes.length;
        if (n != 0 && _escrowVotes[n - 1].blockNumber == block.number) _escrowVotes[n - 1].value = votes;
        else _escrowVotes.push(Point(block.number, votes));
    }

    /// @dev The first proposal from `seed` on whose state is in `stateMask` (bits `1 << state`).
    function _pick(uint256 seed, uint256 stateMask) internal view returns (Proposal storage p, bool ok) {
        return _pickBy(seed, stateMask, false);
    }

    /// @dev The same, among version proposals only if `version` (those have a staking round).
    function _pickBy(uint256 seed, uint256 stateMask, bool version) internal view returns (Proposal storage, bool) {
        uint256 n = _proposals.length;
        for (uint256 k; k < n; ++k) {
            Proposal storage candidate = _proposals[(seed % n + k) % n];
            if (version && !candidate.version) continue;
            if (stateMask & (1 << uint8(governor.state(candidate.proposalId))) == 0) continue;
            return (candidate, true);
        }
        return (_none, false);
    }


    function _actions(Proposal storage p)
        internal
        view
        returns (address[] memory targets, uint256[] memory values, bytes[] memory calldatas)
    {
        return _single(p.target, p.data);
    }

    // --------------------------------------------------------- share moves

    /// @notice A holder lists shares for sale: they go into the escrow and stop voting.
    function offer(uint256 holderSeed, uint256 amount) external {
        address holder = actors[holderSeed % HOLDERS];
        uint256 balance = shares.balanceOf(holder, modelId);
        if (balance == 0) return;
        vm.prank(holder);
        _offerings.push(offering.createOffering(modelId, bound(amount, 1, balance), 1, usd, 0, 0));
        _record();
        ++calls["offer"];
    }

    /// @notice Someone buys listed shares: they leave the escrow and can vote again.
    function buy(uint256 actorSeed, uint256 offeringSeed, uint256 amount) external {
        if (_offerings.length == 0) return;
        uint256 offeringId = _offerings[offeringSeed % _offerings.length];
        ShareOffering.Offering memory o = offering.getOffering(offeringId);
        if (o.remaining == 0) return;
        address buyer = _actor(actorSeed);
        if (buyer == o.seller) return;
        amount = bound(amount, 1, o.remaining);
        deal(address(usd), buyer, usd.balanceOf(buyer) + amount, true);
        vm.startPrank(buyer);
        usd.approve(address(offering), amount);
        offering.buy(offeringId, amount, amount);
        vm.stopPrank();
        _record();
        ++calls["buy"];
    }

    /// @notice The seller takes its unsold shares back out of the escrow.
    function cancelOffer(uint256 offeringSeed) external {
        if (_offerings.length == 0) return;
        uint256 offeringId = _offerings[offeringSeed % _offerings.length];
        ShareOffering.Offering memory o = offering.getOffering(offeringId);
        if (o.remaining == 0) return;
        vm.prank(o.seller);
        offering.cancel(offeringId);
        _record();
        ++calls["cancelOffer"];
    }

    function transfer(uint256 fromSeed, uint256 toSeed, uint256 amount) external {
        address from = _actor(fromSeed);
        address to = _actor(toSeed);
        uint256 balance = shares.balanceOf(from, modelId);
        if (balance == 0 || from == to) return;
        vm.prank(from);
        shares.safeTransferFrom(from, to, modelId, bound(amount, 1, balance), "");
        _record();
        ++calls["transfer"];
    }

    /// @notice An actor delegates to another, to itself, or to the escrow (whose votes then leave the quorums).
    function delegate(uint256 actorSeed, uint256 toSeed) external {
        address actor = _actor(actorSeed);
        uint256 pick = toSeed % (actors.length + 1);
        address to = pick == actors.length ? address(offering) : actors[pick];
        vm.prank(actor);
        shares.delegate(modelId, to);
        _record();
        ++calls["delegate"];
    }

    // ------------------------------------------------------------ proposals

    /// @notice A holder proposes a version (its round opened at once), a price, or a quorum change (1..60%).
    function propose(uint256 holderSeed, uint256 kind, uint256 value) external {
        if (_proposals.length >= MAX_PROPOSALS) return;
        address proposer = actors[holderSeed % HOLDERS];
        if (shares.getVotes(modelId, proposer) < governor.proposalThreshold()) return;
        uint256 n = _proposals.length;
        Proposal memory p;
        p.proposer = proposer;
        kind %= 3;
        if (kind == 0) {
            p.target = address(shares);
            p.data = abi.encodeCall(IModelShares.setManifest, (modelId, string.concat("bafy-q", vm.toString(n))));
            p.version = true;
        } else if (kind == 1) {
            p.target = address(shares);
            p.data = abi.encodeCall(IModelShares.setPricePerRequest, (modelId, bound(value, 1, 1e9)));
        } else {
            p.target = address(governor);
            p.data = abi.encodeWithSignature("updateQuorumNumerator(uint256)", bound(value, 1, 60));
        }
        p.description = string.concat("q", vm.toString(n));
        address[] memory targets = new address[](1);
        targets[0] = p.target;
        uint256[] memory values = new uint256[](1);
        bytes[] memory calldatas = new bytes[](1);
        calldatas[0] = p.data;
        vm.prank(proposer);
        p.proposalId = governor.propose(targets, values, calldatas, p.description);
        _proposals.push(p);
        if (p.version) {
            staking.openRound(modelId, p.proposalId, targets, values, calldatas, keccak256(bytes(p.description)));
        }
        ++calls["propose"];
    }

    /// @notice A staker bets on a pending version (the round's window): taken.
    function stake(uint256 actorSeed, uint256 proposalSeed, bool support, uint256 amount) external {
        _stakeOn(actorSeed, proposalSeed, support, amount, false);
    }

    /// @notice A late staker bets once the vote is open or decided, with funds and allowance: refused.
    function stakeLate(uint256 actorSeed, uint256 proposalSeed, bool support, uint256 amount) external {
        _stakeOn(actorSeed, proposalSeed, support, amount, true);
    }

    function _stakeOn(uint256 actorSeed, uint256 proposalSeed, bool support, uint256 amount, bool late) internal {
        (Proposal storage p, bool ok) = _pickBy(proposalSeed, late ? ~PENDING : PENDING, true);
        if (!ok) return;
        address actor = _actor(actorSeed);
        amount = bound(amount, 1, 1e24);
        deal(address(usd), actor, usd.balanceOf(actor) + amount, true);
        vm.startPrank(actor);
        usd.approve(address(staking), amount);
        try staking.stake(modelId, p.proposalId, support, amount) {
            if (late) ghostLateStake = true;
            ghostStaked += amount;
            ++calls[late ? bytes32("stakeLate") : bytes32("stake")];
        } catch {
            if (!late) ghostStakeRefused = true;
        }
        usd.approve(address(staking), 0);
        vm.stopPrank();
    }

    /// @notice An actor with votes at the snapshot votes; the weight counted must be its votes at the snapshot.
    function vote(uint256 actorSeed, uint256 proposalSeed, uint8 support) external {
        (Proposal storage p, bool ok) = _pick(proposalSeed, ACTIVE);
        if (!ok) return;
        // The first actor from the seed on with votes at the snapshot that has not voted yet.
        uint256 snapshot = governor.proposalSnapshot(p.proposalId);
        address voter;
        uint256 expected;
        for (uint256 k; k < actors.length && expected == 0; ++k) {
            voter = actors[(actorSeed + k) % actors.length];
            if (!governor.hasVoted(p.proposalId, voter)) expected = shares.getPastVotes(modelId, voter, snapshot);
        }
        if (expected == 0) return;
        vm.prank(voter);
        uint256 weight = governor.castVote(p.proposalId, support % 3);
        if (weight != expected) ghostWrongWeight = true;
        ghostWeightCast[p.proposalId] += weight;
        ++calls["vote"];
    }

    function queue(uint256 proposalSeed) external {
        (Proposal storage p, bool ok) = _pick(proposalSeed, SUCCEEDED);
        if (!ok) return;
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) = _actions(p);
        governor.queue(targets, values, calldatas, keccak256(bytes(p.description)));
        ++calls["queue"];
    }

    function execute(uint256 proposalSeed) external {
        (Proposal storage p, bool ok) = _pick(proposalSeed, QUEUED);
        if (!ok) return;
        uint256 eta = governor.proposalEta(p.proposalId);
        if (block.timestamp < eta) vm.warp(eta);
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) = _actions(p);
        governor.execute(targets, values, calldatas, keccak256(bytes(p.description)));
        if (p.target == address(governor)) {
            uint256 n = _quorumPercent.length;
            uint256 percent = governor.quorumNumerator();
            if (_quorumPercent[n - 1].blockNumber == block.number) _quorumPercent[n - 1].value = percent;
            else _quorumPercent.push(Point(block.number, percent));
        }
        ++calls["execute"];
    }

    /// @notice The proposer tries to cancel its proposal in any state: only a pending one may be withdrawn.
    function proposerCancel(uint256 proposalSeed) external {
        (Proposal storage p, bool ok) = _pick(proposalSeed, ~FINAL);
        if (!ok) return;
        _cancelChecked(p.proposer, p.proposalId, p.target, p.data, p.description, "proposerCancel");
    }

    /// @notice The guardian cancels mid-flight (one call in three): anything not final, except a defeated proposal.
    function guardianCancel(uint256 proposalSeed) external {
        if (proposalSeed % 3 != 0) return;
        (Proposal storage p, bool ok) = _pick(proposalSeed / 3, ~FINAL);
        if (!ok) return;
        _cancelChecked(guardian, p.proposalId, p.target, p.data, p.description, "guardianCancel");
    }

    /// @notice The DAO's timelock (the model's admin) acts mid-flight: registers an extra snapshot (now or ahead),
    ///         changes the price, or the staking cut.
    function adminActs(uint256 kind, uint256 value) external {
        kind %= 3;
        uint16 maxCut = staking.MAX_CUT_BPS();
        vm.prank(timelock);
        if (kind == 0) shares.registerSnapshot(modelId, uint48(block.number + bound(value, 0, 40)));
        else if (kind == 1) shares.setPricePerRequest(modelId, bound(value, 1, 1e9));
        else staking.setCut(modelId, uint16(bound(value, 0, maxCut)));
        ++calls["adminActs"];
    }

    /// @notice Anyone resolves a decided round, and every staker of it claims.
    function settleRound(uint256 proposalSeed) external {
        (Proposal storage p, bool ok) = _pickBy(proposalSeed, ~(PENDING | ACTIVE | SUCCEEDED | QUEUED), true);
        if (!ok) return;
        staking.resolve(modelId, p.proposalId);
        for (uint256 i; i < actors.length; ++i) {
            uint256 owed = staking.claimable(modelId, p.proposalId, actors[i]);
            if (owed == 0) continue;
            vm.prank(actors[i]);
            ghostPaid += staking.claim(modelId, p.proposalId);
        }
        ++calls["settleRound"];
    }

    /// @notice A stranger (no shares, no role) calls every open function of the governor, the staking market, the
    ///         escrow and the shares' snapshot registry: none may succeed.
    function strangerAttacks(uint256 proposalSeed, uint256 value) external {
        (Proposal storage p, bool ok) = _pick(proposalSeed, type(uint256).max);
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) = _actions(ok ? p : _none);
        if (!ok) targets[0] = address(shares);
        bytes32 descriptionHash = keccak256(bytes(p.description));
        uint256 proposalId = ok ? p.proposalId : value;
        vm.startPrank(stranger);
        try governor.propose(targets, values, calldatas, "stranger") {
            ghostStrangerSucceeded = true;
        } catch {}
        try governor.castVote(proposalId, 1) {
            ghostStrangerSucceeded = true;
        } catch {}
        try governor.cancel(targets, values, calldatas, descriptionHash) {
            ghostStrangerSucceeded = true;
        } catch {}
        try governor.updateQuorumNumerator(bound(value, 0, 100)) {
            ghostStrangerSucceeded = true;
        } catch {}
        try governor.setVotingDelay(uint48(bound(value, 0, 100))) {
            ghostStrangerSucceeded = true;
        } catch {}
        try governor.relay(address(shares), 0, abi.encodeCall(IModelShares.setManifest, (modelId, "bafy-x"))) {
            ghostStrangerSucceeded = true;
        } catch {}
        try shares.registerSnapshot(modelId, uint48(block.number)) {
            ghostStrangerSucceeded = true;
        } catch {}
        try staking.setCut(modelId, 0) {
            ghostStrangerSucceeded = true;
        } catch {}
        try staking.claim(modelId, proposalId) {
            ghostStrangerSucceeded = true;
        } catch {}
        if (_offerings.length != 0) {
            try offering.cancel(_offerings[value % _offerings.length]) {
                ghostStrangerSucceeded = true;
            } catch {}
        }
        vm.stopPrank();
        ++calls["stranger"];
    }

    // ----------------------------------------------------------------- time

    function roll(uint256 blocks) external {
        blocks = bound(blocks, 1, 30);
        vm.roll(block.number + blocks);
        vm.warp(block.timestamp + blocks * 12);
        _record();
    }

    function warp(uint256 secs) external {
        vm.warp(block.timestamp + bound(secs, 1 hours, 3 days));
    }
}
