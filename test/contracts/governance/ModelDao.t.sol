// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {IModelShares} from "../../../contracts/interfaces/IModelShares.sol";
import {ModelGovernor} from "../../../contracts/governance/ModelGovernor.sol";
import {ModelTimelock} from "../../../contracts/governance/ModelTimelock.sol";
import {ModelVotes} from "../../../contracts/governance/ModelVotes.sol";
import {DaoFactory} from "../../../contracts/governance/DaoFactory.sol";
import {DatasetRegistry} from "../../../contracts/governance/DatasetRegistry.sol";
import {DaoBase} from "./DaoBase.sol";

contract ModelDaoTest is DaoBase {
    string internal constant DATASET_CID = "bafkreidatasetcid";

    function _dataset() internal pure returns (DatasetRegistry.Dataset memory) {
        return DatasetRegistry.Dataset({
            cid: DATASET_CID,
            name: "OpenWebText sample",
            license: "CC-BY-4.0",
            sizeBytes: 1_234_567,
            descriptionCid: "bafkreidescription"
        });
    }

    // -------------------------------------------------------------- creation

    function test_createDao_handsTheModelToItsTimelock() public {
        DaoFactory.Dao memory dao = _createDao(id);
        assertEq(shares.adminOf(id), dao.timelock);
        assertEq(shares.pendingAdminOf(id), address(0));
        assertEq(shares.snapshotterOf(id), dao.governor);
        DaoFactory.Dao memory stored = factory.daoOf(id);
        assertEq(stored.governor, dao.governor);
        assertEq(stored.votes, dao.votes);
        ModelGovernor governor = _governor(id);
        assertEq(governor.name(), "modeldao model 1");
        assertEq(governor.modelId(), id);
        assertEq(governor.votingDelay(), VOTING_DELAY);
        assertEq(governor.votingPeriod(), VOTING_PERIOD);
        assertEq(governor.proposalThreshold(), 10_000);
        assertEq(governor.quorumNumerator(), 20);
        assertEq(governor.superQuorumNumerator(), 60);
        assertEq(governor.proposalGuardian(), guardian);
        assertEq(governor.timelock(), dao.timelock);
        assertEq(ModelVotes(dao.votes).modelId(), id);
        assertEq(ModelTimelock(payable(dao.timelock)).getMinDelay(), TIMELOCK_DELAY);
        // The former admin lost its rights.
        vm.prank(creator);
        vm.expectRevert(abi.encodeWithSelector(IModelShares.ModelSharesUnauthorized.selector, id, creator));
        shares.setPricePerRequest(id, 1);
        // Clones cannot be initialised twice.
        ModelGovernor.Settings memory settings = _settings();
        IVotes votes = IVotes(dao.votes);
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        governor.initialize(id, votes, ModelTimelock(payable(dao.timelock)), settings);
    }

    function test_createDao_needsTheAdminsOffer() public {
        address timelock = factory.predictDao(id).timelock;
        vm.prank(creator);
        vm.expectRevert(abi.encodeWithSelector(DaoFactory.DaoFactoryAdminNotOffered.selector, id, timelock));
        factory.createDao(id, _settings(), TIMELOCK_DELAY);
    }

    function test_createDao_adminOnlyOncePerModel() public {
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(DaoFactory.DaoFactoryUnauthorized.selector, id, stranger));
        factory.createDao(id, _settings(), TIMELOCK_DELAY);
        DaoFactory.Dao memory dao = _createDao(id);
        // The timelock is the admin now, and the model has its DAO.
        vm.prank(dao.timelock);
        vm.expectRevert(abi.encodeWithSelector(DaoFactory.DaoFactoryExists.selector, id, dao.governor));
        factory.createDao(id, _settings(), TIMELOCK_DELAY);
    }

    function test_createDao_boundsTheTimelockDelay() public {
        vm.startPrank(creator);
        shares.transferAdmin(id, factory.predictDao(id).timelock);
        vm.expectRevert(abi.encodeWithSelector(DaoFactory.DaoFactoryInvalidDelay.selector, 31 days, 30 days));
        factory.createDao(id, _settings(), 31 days);
        vm.stopPrank();
    }

    // ------------------------------------------------------------- lifecycles

    function test_datasetProposal_fullLifecycle() public {
        _createDao(id);
        bytes memory data = abi.encodeCall(DatasetRegistry.include, (id, _dataset()));
        uint256 proposalId = _propose(alice, address(datasets), data, "# Include OpenWebText sample");
        assertEq(proposalId, 1, "sequential ids");
        assertTrue(shares.isSnapshot(id, _governor(id).proposalSnapshot(proposalId)), "future snapshot registered");
        assertEq(uint8(_state(proposalId)), uint8(IGovernor.ProposalState.Pending));
        _startVoting();
        _vote(proposalId, alice, 1);
        _vote(proposalId, bob, 1);
        _vote(proposalId, carol, 0);
        (uint256 against, uint256 for_, uint256 abstain) = _governor(id).proposalVotes(proposalId);
        assertEq(for_, 500_000);
        assertEq(against, 100_000);
        assertEq(abstain, 0);
        _endVoting();
        assertEq(uint8(_state(proposalId)), uint8(IGovernor.ProposalState.Succeeded));
        _queueAndExecute(address(datasets), data, "# Include OpenWebText sample");
        assertEq(uint8(_state(proposalId)), uint8(IGovernor.ProposalState.Executed));
        DatasetRegistry.Dataset[] memory list = datasets.datasets(id);
        assertEq(list.length, 1);
        assertEq(list[0].cid, DATASET_CID);
        assertEq(list[0].license, "CC-BY-4.0");
        assertEq(list[0].sizeBytes, 1_234_567);
        assertTrue(datasets.isIncluded(id, DATASET_CID));

        // Removal is a proposal too; the history keeps both changes.
        bytes memory removal = abi.encodeCall(DatasetRegistry.remove, (id, DATASET_CID));
        uint256 second = _propose(bob, address(datasets), removal, "Remove it");
        assertEq(second, 2);
        _startVoting();
        _vote(second, alice, 1);
        _vote(second, bob, 1);
        _endVoting();
        _queueAndExecute(address(datasets), removal, "Remove it");
        assertEq(datasets.datasets(id).length, 0);
        DatasetRegistry.Change[] memory history = datasets.history(id);
        assertEq(history.length, 2);
        assertTrue(history[0].included);
        assertFalse(history[1].included);
        assertEq(history[1].cid, DATASET_CID);
    }

    function test_datasets_onlyThroughTheTimelock() public {
        _createDao(id);
        vm.prank(creator);
        vm.expectRevert(abi.encodeWithSelector(DatasetRegistry.DatasetRegistryUnauthorized.selector, id, creator));
        datasets.include(id, _dataset());
        // A model without a DAO has no timelock: nobody can include.
        uint256 other = _createModel(creator, SUPPLY, 0);
        vm.prank(creator);
        vm.expectRevert(abi.encodeWithSelector(DatasetRegistry.DatasetRegistryUnauthorized.selector, other, creator));
        datasets.include(other, _dataset());
    }

    function test_versionProposal_promotesTheManifest() public {
        _createDao(id);
        bytes memory data = abi.encodeCall(IModelShares.setManifest, (id, "bafy-v2"));
        uint256 proposalId = _propose(creator, address(shares), data, "Promote v2");
        _startVoting();
        _vote(proposalId, creator, 1);
        _endVoting();
        _queueAndExecute(address(shares), data, "Promote v2");
        assertEq(shares.manifestCid(id), "bafy-v2");
    }

    function test_paramsProposal_changesPriceFeeShareAndGovernorSettings() public {
        DaoFactory.Dao memory dao = _createDao(id);
        address[] memory targets = new address[](3);
        uint256[] memory values = new uint256[](3);
        bytes[] memory calldatas = new bytes[](3);
        targets[0] = address(shares);
        calldatas[0] = abi.encodeCall(IModelShares.setPricePerRequest, (id, 77));
        targets[1] = address(shares);
        calldatas[1] = abi.encodeCall(IModelShares.scheduleFeeShare, (id, 3_500));
        targets[2] = dao.governor;
        calldatas[2] = abi.encodeWithSignature("setVotingPeriod(uint32)", uint32(80));
        ModelGovernor governor = _governor(id);
        vm.prank(alice);
        uint256 proposalId = governor.propose(targets, values, calldatas, "params");
        _startVoting();
        _vote(proposalId, alice, 1);
        _vote(proposalId, creator, 1);
        _endVoting();
        governor.queue(targets, values, calldatas, keccak256("params"));
        vm.warp(block.timestamp + TIMELOCK_DELAY + 1);
        governor.execute(targets, values, calldatas, keccak256("params"));
        assertEq(shares.pricePerRequest(id), 77);
        (, uint16 next,,,) = shares.feeShareSchedule(id);
        assertEq(next, 3_500);
        assertEq(governor.votingPeriod(), 80);
    }

    // ------------------------------------------------------------------ votes

    function test_votes_useTheSnapshot() public {
        _createDao(id);
        uint256 proposalId = _propose(alice, address(shares), abi.encodeCall(IModelShares.setPricePerRequest, (id, 1)), "p");
        // Before the snapshot block: counts.
        _transfer(carol, bob, id, 50_000);
        _startVoting();
        // After the snapshot: does not count.
        _transfer(alice, bob, id, 300_000);
        _transfer(creator, stranger, id, 100_000);
        _vote(proposalId, alice, 1);
        _vote(proposalId, bob, 0);
        (uint256 against, uint256 for_,) = _governor(id).proposalVotes(proposalId);
        assertEq(for_, 300_000, "alice votes what she held at the snapshot");
        assertEq(against, 250_000, "bob: 200k + 50k bought before the snapshot");
        ModelGovernor governor = _governor(id);
        uint256 snapshot = governor.proposalSnapshot(proposalId);
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(ModelGovernor.ModelGovernorNoVotes.selector, proposalId, stranger, snapshot)
        );
        governor.castVote(proposalId, 1);
    }

    function test_votes_doubleVoteReverts() public {
        _createDao(id);
        uint256 proposalId = _propose(alice, address(shares), abi.encodeCall(IModelShares.setPricePerRequest, (id, 1)), "p");
        _startVoting();
        _vote(proposalId, alice, 1);
        ModelGovernor governor = _governor(id);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorAlreadyCastVote.selector, alice));
        governor.castVote(proposalId, 0);
    }

    function test_votes_beforeTheStartRevert() public {
        _createDao(id);
        uint256 proposalId = _propose(alice, address(shares), abi.encodeCall(IModelShares.setPricePerRequest, (id, 1)), "p");
        ModelGovernor governor = _governor(id);
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(
                IGovernor.GovernorUnexpectedProposalState.selector,
                proposalId,
                IGovernor.ProposalState.Pending,
                bytes32(1 << uint8(IGovernor.ProposalState.Active))
            )
        );
        governor.castVote(proposalId, 1);
    }

    function test_votes_delegationCounts() public {
        _createDao(id);
        vm.prank(carol);
        shares.delegate(id, alice);
        uint256 proposalId = _propose(alice, address(shares), abi.encodeCall(IModelShares.setPricePerRequest, (id, 1)), "p");
        _startVoting();
        _vote(proposalId, alice, 1);
        (, uint256 for_,) = _governor(id).proposalVotes(proposalId);
        assertEq(for_, 400_000);
        ModelGovernor governor = _governor(id);
        uint256 snapshot = governor.proposalSnapshot(proposalId);
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(ModelGovernor.ModelGovernorNoVotes.selector, proposalId, carol, snapshot));
        governor.castVote(proposalId, 1);
    }

    function test_castVoteBySig_letsAnyoneRelay() public {
        _createDao(id);
        (address holder, uint256 key) = makeAddrAndKey("gasless holder");
        _transfer(creator, holder, id, 50_000);
        uint256 proposalId = _propose(alice, address(shares), abi.encodeCall(IModelShares.setPricePerRequest, (id, 1)), "p");
        _startVoting();
        ModelGovernor governor = _governor(id);
        bytes32 structHash = keccak256(
            abi.encode(governor.BALLOT_TYPEHASH(), proposalId, uint8(1), holder, governor.nonces(holder))
        );
        bytes32 domain = keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256(bytes(governor.name())),
                keccak256(bytes(governor.version())),
                block.chainid,
                address(governor)
            )
        );
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, MessageHashUtils.toTypedDataHash(domain, structHash));
        vm.prank(stranger); // the relayer pays the gas
        governor.castVoteBySig(proposalId, 1, holder, abi.encodePacked(r, s, v));
        assertTrue(governor.hasVoted(proposalId, holder));
        (, uint256 for_,) = governor.proposalVotes(proposalId);
        assertEq(for_, 50_000);
        // A replay fails: the nonce moved.
        vm.expectRevert();
        governor.castVoteBySig(proposalId, 1, holder, abi.encodePacked(r, s, v));
    }

    function test_quorum_excludesSharesOnSale() public {
        _createDao(id);
        vm.startPrank(creator);
        shares.setApprovalForAll(address(offering), true);
        offering.createOffering(id, 300_000, 1e6, usd, 0, 0);
        vm.stopPrank();
        uint256 proposalId = _propose(alice, address(shares), abi.encodeCall(IModelShares.setPricePerRequest, (id, 1)), "p");
        _startVoting();
        uint256 snapshot = _governor(id).proposalSnapshot(proposalId);
        // 20% of the 700,000 shares that can vote, not of the 1,000,000 supply.
        assertEq(_governor(id).quorum(snapshot), 140_000);
        // Carol (100k) + 50k from bob reach it; 100k alone does not.
        _vote(proposalId, carol, 1);
        _endVoting();
        assertEq(uint8(_state(proposalId)), uint8(IGovernor.ProposalState.Defeated));
    }

    /// @dev The governor reads ModelShares directly; its quorums must match the votes view it hands out as token().
    function test_quorum_matchesTheVotesView() public {
        DaoFactory.Dao memory dao = _createDao(id);
        vm.startPrank(creator);
        shares.setApprovalForAll(address(offering), true);
        offering.createOffering(id, 300_000, 1e6, usd, 0, 0);
        vm.stopPrank();
        uint256 proposalId = _propose(alice, address(shares), abi.encodeCall(IModelShares.setPricePerRequest, (id, 1)), "p");
        _startVoting();
        ModelGovernor governor = _governor(id);
        uint256 snapshot = governor.proposalSnapshot(proposalId);
        uint256 viewSupply = ModelVotes(dao.votes).getPastTotalSupply(snapshot);
        assertEq(viewSupply, 700_000);
        assertEq(governor.quorum(snapshot), viewSupply * 20 / 100);
        assertEq(governor.superQuorum(snapshot), viewSupply * 60 / 100);
        assertEq(address(governor.token()), dao.votes);
        assertEq(governor.clock(), shares.clock());
        assertEq(governor.CLOCK_MODE(), shares.CLOCK_MODE());
        assertEq(governor.nonVotingHolder(), address(offering));
    }

    function test_constructor_refusesMismatchedImplementations() public {
        address timelockImpl = address(new ModelTimelock());
        address votesImpl = address(new ModelVotes(shares, address(offering)));
        // A governor leaving another escrow out of the quorum than the votes view does.
        address otherEscrow = address(new ModelGovernor(shares, stranger));
        vm.expectRevert(DaoFactory.DaoFactoryInvalidImplementation.selector);
        new DaoFactory(shares, otherEscrow, timelockImpl, votesImpl);
        // A votes view over another share contract.
        address otherShares = address(new ModelVotes(IModelShares(stranger), address(offering)));
        address governorImpl = address(new ModelGovernor(shares, address(offering)));
        vm.expectRevert(DaoFactory.DaoFactoryInvalidImplementation.selector);
        new DaoFactory(shares, governorImpl, timelockImpl, otherShares);
    }

    /// @dev While "for" does not lead, `state` skips the super quorum; a cancelled proposal must still read Canceled.
    function test_state_canceledWhileForDoesNotLead() public {
        _createDao(id);
        uint256 proposalId = _propose(alice, address(shares), abi.encodeCall(IModelShares.setPricePerRequest, (id, 1)), "p");
        _startVoting();
        _vote(proposalId, bob, 0);
        assertEq(uint8(_state(proposalId)), uint8(IGovernor.ProposalState.Active));
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) =
            _one(address(shares), abi.encodeCall(IModelShares.setPricePerRequest, (id, 1)));
        ModelGovernor governor = _governor(id);
        vm.prank(guardian);
        governor.cancel(targets, values, calldatas, keccak256("p"));
        assertEq(uint8(_state(proposalId)), uint8(IGovernor.ProposalState.Canceled));
    }

    function test_state_succeededExpiresAfterTheQueueWindow() public {
        _createDao(id);
        bytes memory data = abi.encodeCall(IModelShares.setPricePerRequest, (id, 9));
        uint256 proposalId = _propose(alice, address(shares), data, "p");
        _startVoting();
        _vote(proposalId, alice, 1);
        _endVoting();
        ModelGovernor governor = _governor(id);
        vm.roll(governor.proposalDeadline(proposalId) + governor.QUEUE_WINDOW_BLOCKS());
        assertEq(uint8(_state(proposalId)), uint8(IGovernor.ProposalState.Succeeded), "last block of the window");
        vm.roll(block.number + 1);
        assertEq(uint8(_state(proposalId)), uint8(IGovernor.ProposalState.Expired));
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) = _one(address(shares), data);
        vm.expectRevert(
            abi.encodeWithSelector(
                IGovernor.GovernorUnexpectedProposalState.selector,
                proposalId,
                IGovernor.ProposalState.Expired,
                bytes32(1 << uint8(IGovernor.ProposalState.Succeeded))
            )
        );
        governor.queue(targets, values, calldatas, keccak256("p"));
    }

    function test_state_queuedExpiresAfterTheGracePeriod() public {
        _createDao(id);
        bytes memory data = abi.encodeCall(IModelShares.setPricePerRequest, (id, 9));
        uint256 proposalId = _propose(alice, address(shares), data, "p");
        _startVoting();
        _vote(proposalId, alice, 1);
        _endVoting();
        ModelGovernor governor = _governor(id);
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) = _one(address(shares), data);
        governor.queue(targets, values, calldatas, keccak256("p"));
        uint256 lastSecond = governor.proposalEta(proposalId) + governor.EXECUTION_GRACE_PERIOD();
        vm.warp(lastSecond);
        assertEq(uint8(_state(proposalId)), uint8(IGovernor.ProposalState.Queued), "last second of the grace period");
        vm.warp(lastSecond + 1);
        assertEq(uint8(_state(proposalId)), uint8(IGovernor.ProposalState.Expired));
        vm.expectRevert(
            abi.encodeWithSelector(
                IGovernor.GovernorUnexpectedProposalState.selector,
                proposalId,
                IGovernor.ProposalState.Expired,
                bytes32(1 << uint8(IGovernor.ProposalState.Queued))
            )
        );
        governor.execute(targets, values, calldatas, keccak256("p"));
        // Executed in time, it stays Executed however long after.
        vm.warp(lastSecond);
        governor.execute(targets, values, calldatas, keccak256("p"));
        vm.warp(lastSecond + 365 days);
        vm.roll(block.number + 10 * governor.QUEUE_WINDOW_BLOCKS());
        assertEq(uint8(_state(proposalId)), uint8(IGovernor.ProposalState.Executed));
        assertEq(shares.pricePerRequest(id), 9);
    }

    /// @dev A proposal passed early by super quorum has the rest of its voting period on top of the queue window.
    function test_state_earlySuccessExpiresFromTheDeadline() public {
        _createDao(id);
        uint256 proposalId = _propose(alice, address(shares), abi.encodeCall(IModelShares.setPricePerRequest, (id, 1)), "p");
        _startVoting();
        _vote(proposalId, creator, 1);
        _vote(proposalId, alice, 1);
        assertEq(uint8(_state(proposalId)), uint8(IGovernor.ProposalState.Succeeded));
        ModelGovernor governor = _governor(id);
        vm.roll(governor.proposalDeadline(proposalId) + governor.QUEUE_WINDOW_BLOCKS());
        assertEq(uint8(_state(proposalId)), uint8(IGovernor.ProposalState.Succeeded));
        vm.roll(block.number + 1);
        assertEq(uint8(_state(proposalId)), uint8(IGovernor.ProposalState.Expired));
    }

    function test_superQuorum_passesEarly() public {
        _createDao(id);
        uint256 proposalId = _propose(alice, address(shares), abi.encodeCall(IModelShares.setPricePerRequest, (id, 1)), "p");
        _startVoting();
        _vote(proposalId, creator, 1);
        assertEq(uint8(_state(proposalId)), uint8(IGovernor.ProposalState.Active), "40% < super quorum");
        _vote(proposalId, alice, 1);
        assertEq(uint8(_state(proposalId)), uint8(IGovernor.ProposalState.Succeeded), "70% >= 60%: early");
    }

    function test_guardian_cancelsAPoisonedProposal() public {
        _createDao(id);
        uint256 proposalId = _propose(alice, address(shares), abi.encodeCall(IModelShares.transferAdmin, (id, alice)), "poison");
        _startVoting();
        _vote(proposalId, alice, 1);
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) =
            _one(address(shares), abi.encodeCall(IModelShares.transferAdmin, (id, alice)));
        ModelGovernor governor = _governor(id);
        vm.prank(stranger);
        vm.expectRevert();
        governor.cancel(targets, values, calldatas, keccak256("poison"));
        vm.prank(guardian);
        governor.cancel(targets, values, calldatas, keccak256("poison"));
        assertEq(uint8(_state(proposalId)), uint8(IGovernor.ProposalState.Canceled));
    }

    /// @dev `who` cancels the single-action proposal (`data`, `description`); `unable`: expect it to be refused.
    function _cancelAs(address who, bytes memory data, string memory description, bool unable) internal {
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) = _one(address(shares), data);
        ModelGovernor governor = _governor(id);
        uint256 proposalId = governor.getProposalId(targets, values, calldatas, keccak256(bytes(description)));
        if (unable) vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorUnableToCancel.selector, proposalId, who));
        vm.prank(who);
        governor.cancel(targets, values, calldatas, keccak256(bytes(description)));
    }

    /// Finding (cancel as a free option): with no guardian, OpenZeppelin's guardian module let the proposer cancel at
    /// any point but the final states, a Defeated proposal included. The proposer may now cancel only while its
    /// proposal is pending; once the vote opens, and once it is defeated, the cancel reverts.
    function test_finding_proposerCancelsOnlyWhilePending() public {
        _createDao(id, _settingsWithoutGuardian());
        bytes memory data = abi.encodeCall(IModelShares.setPricePerRequest, (id, 3));
        uint256 withdrawn = _propose(alice, address(shares), data, "withdrawn");
        uint256 proposalId = _propose(alice, address(shares), data, "lost");
        // Pending: the proposer withdraws its proposal; nobody else may.
        _cancelAs(stranger, data, "withdrawn", true);
        _cancelAs(alice, data, "withdrawn", false);
        assertEq(uint8(_state(withdrawn)), uint8(IGovernor.ProposalState.Canceled));
        // Active: too late.
        _startVoting();
        _vote(proposalId, creator, 0);
        _cancelAs(alice, data, "lost", true);
        // Defeated: it can never run; a cancel would only rewrite the outcome.
        _endVoting();
        assertEq(uint8(_state(proposalId)), uint8(IGovernor.ProposalState.Defeated));
        _cancelAs(alice, data, "lost", true);
        assertEq(uint8(_state(proposalId)), uint8(IGovernor.ProposalState.Defeated));
    }

    /// The guardian cancels until a proposal runs (pending, active, succeeded, queued), never a defeated one; the
    /// governor records the block of each cancel.
    function test_guardian_cancelsUntilItRunsButNotADefeatedProposal() public {
        _createDao(id);
        bytes memory data = abi.encodeCall(IModelShares.setPricePerRequest, (id, 3));
        uint256 queued = _propose(alice, address(shares), data, "queued");
        uint256 lost = _propose(alice, address(shares), data, "lost");
        _startVoting();
        _vote(queued, creator, 1);
        _vote(queued, alice, 1);
        _vote(lost, creator, 0);
        _endVoting();
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) = _one(address(shares), data);
        _governor(id).queue(targets, values, calldatas, keccak256("queued"));
        _cancelAs(guardian, data, "queued", false);
        assertEq(uint8(_state(queued)), uint8(IGovernor.ProposalState.Canceled));
        assertEq(_governor(id).proposalCanceledAt(queued), block.number);
        assertEq(uint8(_state(lost)), uint8(IGovernor.ProposalState.Defeated));
        _cancelAs(guardian, data, "lost", true);
    }

    function test_execute_beforeTheTimelockReverts() public {
        _createDao(id);
        bytes memory data = abi.encodeCall(IModelShares.setPricePerRequest, (id, 9));
        uint256 proposalId = _propose(alice, address(shares), data, "p");
        _startVoting();
        _vote(proposalId, alice, 1);
        _endVoting();
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) = _one(address(shares), data);
        ModelGovernor governor = _governor(id);
        governor.queue(targets, values, calldatas, keccak256("p"));
        vm.warp(block.timestamp + TIMELOCK_DELAY - 1);
        vm.expectRevert();
        governor.execute(targets, values, calldatas, keccak256("p"));
        // Nor can anyone go around the governor to the timelock.
        ModelTimelock timelock = ModelTimelock(payable(factory.timelockOf(id)));
        vm.prank(stranger);
        vm.expectRevert();
        timelock.execute(address(shares), 0, data, bytes32(0), bytes32(0));
        assertEq(shares.pricePerRequest(id), 1e4);
    }

    function test_propose_belowThresholdReverts() public {
        _createDao(id);
        ModelGovernor governor = _governor(id);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorInsufficientProposerVotes.selector, stranger, 0, 10_000));
        governor.propose(new address[](1), new uint256[](1), new bytes[](1), "spam");
    }

    function test_finding_strangerCannotRegisterSnapshotsOfADaoModel() public {
        _createDao(id);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IModelShares.ModelSharesUnauthorizedSnapshot.selector, id, stranger));
        shares.registerSnapshot(id, uint48(block.number));
    }
}
