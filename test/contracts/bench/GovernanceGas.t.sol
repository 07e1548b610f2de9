// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {console} from "forge-std/Test.sol";
import {IERC1155} from "@openzeppelin/contracts/token/ERC1155/IERC1155.sol";
import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {IModelShares} from "../../../contracts/interfaces/IModelShares.sol";
import {ModelGovernor} from "../../../contracts/governance/ModelGovernor.sol";
import {ModelTimelock} from "../../../contracts/governance/ModelTimelock.sol";
import {ModelVotes} from "../../../contracts/governance/ModelVotes.sol";
import {DaoFactory} from "../../../contracts/governance/DaoFactory.sol";
import {DatasetRegistry} from "../../../contracts/governance/DatasetRegistry.sol";
import {QualityStaking} from "../../../contracts/governance/QualityStaking.sol";
import {AnchorVotesToken, AnchorGovernor, AnchorManifestBox} from "../mocks/AnchorGovernor.sol";
import {DaoBase} from "../governance/DaoBase.sol";

/// @notice Governance gas report, modeldao's per-model DAO (cloned ModelGovernor reading ModelShares directly; the
///         ModelVotes clone stays as its `token()` view) side by side with the anchor: a plain OpenZeppelin Governor
///         (settings, simple counting, votes, quorum fraction, timelock control; non-upgradeable) over an ERC20Votes
///         token, measured in the same run
///         with the same settings, holders and proposal shapes. Prints `GAS <label> <value>` lines (run with -vv),
///         one measurement per test, and asserts a ceiling on each.
/// @dev Method (GasBenchmark's): every measured call is made with pre-encoded calldata through a low-level call,
///      bracketed by `gasleft()`, right after `vm.cool` on every contract and account it touches (ours and the
///      anchor's alike), so each call sees cold accounts and cold storage, as the first call of a fresh transaction;
///      all state is prepared in `setUp`, so SSTOREs are priced against committed values (forge runs each test as its
///      own transaction). Intrinsic transaction costs (21,000 + calldata) are excluded on both sides. Deployments are
///      measured around `new` (creation code execution + code deposit, no intrinsic cost). Both governors are compiled
///      with 1,000 optimizer runs (ModelGovernor needs it to fit EIP-170; the anchor gets the same for fairness).
///      Holders: creator 40%, alice 30%, bob 20%, carol 10% of 1,000,000 (anchor holders self-delegated, as
///      ERC20Votes requires; ModelShares delegates to self implicitly), plus a signer with 50,000 for votes by
///      signature.
contract GovernanceGas is DaoBase {
    AnchorVotesToken internal anchorToken;
    TimelockController internal anchorTimelock;
    AnchorGovernor internal anchor;
    AnchorManifestBox internal box;
    ModelGovernor internal governor;
    address internal timelock;
    address internal votes;

    address internal signer;
    uint256 internal signerKey;
    address internal dave = makeAddr("dave");
    address internal erin = makeAddr("erin");
    address internal frank = makeAddr("frank");

    uint256 internal newModel; // admin offered its role, DAO not created yet
    uint256 internal snapModel; // a snapshot registered after both holders' last change
    uint256 internal plainModel; // no snapshot: a stranger's registration reverts

    // Ours / anchor proposals, by what the measured call needs.
    uint256 internal pVote; // active, no votes yet; a staking round with one stake
    uint256 internal pStake; // pending (stakes open), a staking round with one stake
    uint256 internal aVote;
    uint256 internal pLead; // active, bob (20%) voted for: "for" leads, below the super quorum (60%)
    uint256 internal aLead;
    uint256 internal pQueue; // succeeded
    uint256 internal aQueue;
    uint256 internal pStakedFresh; // executed version with stakes, nobody claimed yet
    uint256 internal pStakedResolved; // executed version with stakes, resolved by a first claim

    string internal constant DATASET_CID = "bafkreidatasetcid";

    function setUp() public override {
        super.setUp();
        (signer, signerKey) = makeAddrAndKey("gas signer");
        _transfer(creator, signer, id, 50_000);
        _deployAnchor();
        _createDao(id);
        governor = _governor(id);
        timelock = factory.timelockOf(id);
        votes = factory.daoOf(id).votes;
        _prepare();
    }

    // ------------------------------------------------------------ fixtures

    function _deployAnchor() internal {
        anchorToken = new AnchorVotesToken();
        address[4] memory holders = [creator, alice, bob, carol];
        uint256[4] memory amounts = [uint256(350_000), 300_000, 200_000, 100_000];
        for (uint256 i; i < 4; ++i) {
            anchorToken.mint(holders[i], amounts[i]);
            vm.prank(holders[i]);
            anchorToken.delegate(holders[i]);
        }
        anchorToken.mint(signer, 50_000);
        vm.prank(signer);
        anchorToken.delegate(signer);
        address[] memory none = new address[](0);
        anchorTimelock = new TimelockController(TIMELOCK_DELAY, none, none, address(this));
        anchor = new AnchorGovernor(anchorToken, anchorTimelock, VOTING_DELAY, VOTING_PERIOD, 10_000, 20);
        anchorTimelock.grantRole(anchorTimelock.PROPOSER_ROLE(), address(anchor));
        anchorTimelock.grantRole(anchorTimelock.CANCELLER_ROLE(), address(anchor));
        anchorTimelock.grantRole(anchorTimelock.EXECUTOR_ROLE(), address(anchor));
        anchorTimelock.renounceRole(anchorTimelock.DEFAULT_ADMIN_ROLE(), address(this));
        box = new AnchorManifestBox(address(anchorTimelock));
        vm.roll(block.number + 1);
    }

    function _dataset() internal pure returns (DatasetRegistry.Dataset memory) {
        return DatasetRegistry.Dataset({
            cid: DATASET_CID,
            name: "OpenWebText sample",
            license: "CC-BY-4.0",
            sizeBytes: 1_234_567,
            descriptionCid: "bafkreidescription"
        });
    }

    function _manifest(string memory cid) internal view returns (bytes memory) {
        return abi.encodeCall(IModelShares.setManifest, (id, cid));
    }

    function _anchorPropose(bytes memory data, string memory description) internal returns (uint256 proposalId) {
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) = _one(address(box), data);
        vm.prank(creator);
        proposalId = anchor.propose(targets, values, calldatas, description);
    }

    function _anchorQueue(bytes memory data, string memory description) internal {
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) = _one(address(box), data);
        anchor.queue(targets, values, calldatas, keccak256(bytes(description)));
    }

    function _queue(address target, bytes memory data, string memory description) internal {
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) = _one(target, data);
        governor.queue(targets, values, calldatas, keccak256(bytes(description)));
    }

    function _execute(address target, bytes memory data, string memory description) internal {
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) = _one(target, data);
        governor.execute(targets, values, calldatas, keccak256(bytes(description)));
    }

    function _openRound(uint256 proposalId, string memory cid, string memory description) internal {
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) =
            _one(address(shares), _manifest(cid));
        staking.openRound(id, proposalId, targets, values, calldatas, keccak256(bytes(description)));
    }

    function _stake(address who, uint256 proposalId, bool support, uint256 amount) internal {
        _fund(who, amount);
        vm.startPrank(who);
        usd.approve(address(staking), type(uint256).max);
        staking.stake(id, proposalId, support, amount);
        vm.stopPrank();
    }

    /// @dev A model like GasBenchmark's: creator and alice hold it, fee accumulator non-zero.
    function _modelWithTwoHolders() internal returns (uint256 modelId) {
        vm.prank(creator);
        modelId = shares.createModel("bafy-bench", 1_000_000e6, 500, 2_000, 1e4);
        _depositFees(modelId, 1_000e6);
        _transfer(creator, alice, modelId, 10e6);
        _depositFees(modelId, 1_000e6);
        _transfer(creator, alice, modelId, 10e6);
    }

    function _prepare() internal {
        // Executed rounds to claim from, and the proposals `execute` measures, all in one voting window.
        pStakedFresh = _propose(creator, address(shares), _manifest("bafy-s1"), "s1");
        pStakedResolved = _propose(creator, address(shares), _manifest("bafy-s2"), "s2");
        uint256 pDataset =
            _propose(creator, address(datasets), abi.encodeCall(DatasetRegistry.include, (id, _dataset())), "dataset");
        uint256 pManifest = _propose(creator, address(shares), _manifest("bafy-v2"), "v2");
        uint256 aManifest = _anchorPropose(_manifest("bafy-v2"), "v2");
        _openRound(pStakedFresh, "bafy-s1", "s1");
        _openRound(pStakedResolved, "bafy-s2", "s2");
        // Stakes are taken until the vote opens.
        _stake(dave, pStakedFresh, true, 100e6);
        _stake(erin, pStakedFresh, true, 200e6);
        _stake(frank, pStakedFresh, false, 100e6);
        _stake(dave, pStakedResolved, true, 100e6);
        _stake(erin, pStakedResolved, true, 200e6);
        _stake(frank, pStakedResolved, false, 100e6);
        _startVoting();
        _vote(pStakedFresh, creator, 1);
        _vote(pStakedResolved, creator, 1);
        _vote(pDataset, creator, 1);
        _vote(pManifest, creator, 1);
        vm.prank(creator);
        anchor.castVote(aManifest, 1);
        _endVoting();
        _queue(address(shares), _manifest("bafy-s1"), "s1");
        _queue(address(shares), _manifest("bafy-s2"), "s2");
        _queue(address(datasets), abi.encodeCall(DatasetRegistry.include, (id, _dataset())), "dataset");
        _queue(address(shares), _manifest("bafy-v2"), "v2");
        _anchorQueue(_manifest("bafy-v2"), "v2");
        vm.warp(block.timestamp + TIMELOCK_DELAY + 1);
        _execute(address(shares), _manifest("bafy-s1"), "s1");
        _execute(address(shares), _manifest("bafy-s2"), "s2");
        vm.prank(erin);
        staking.claim(id, pStakedResolved);

        // Succeeded, to queue.
        pQueue = _propose(creator, address(shares), abi.encodeCall(IModelShares.setPricePerRequest, (id, 2)), "price");
        aQueue = _anchorPropose(abi.encodeCall(IModelShares.setPricePerRequest, (id, 2)), "price");
        _startVoting();
        _vote(pQueue, creator, 1);
        vm.prank(creator);
        anchor.castVote(aQueue, 1);
        _endVoting();

        // Active, to vote on (its round holds one stake, taken before the vote opened).
        pVote = _propose(creator, address(shares), _manifest("bafy-v3"), "v3");
        aVote = _anchorPropose(_manifest("bafy-v3"), "v3");
        _openRound(pVote, "bafy-v3", "v3");
        _stake(erin, pVote, false, 10e6);
        pLead = _propose(creator, address(shares), _manifest("bafy-v5"), "v5");
        aLead = _anchorPropose(_manifest("bafy-v5"), "v5");
        _startVoting();
        _vote(pLead, bob, 1);
        vm.prank(bob);
        anchor.castVote(aLead, 1);
        // Pending, to stake on (stakes close when its vote opens; the round holds one stake already).
        pStake = _propose(creator, address(shares), _manifest("bafy-v4"), "v4");
        _openRound(pStake, "bafy-v4", "v4");
        _stake(erin, pStake, false, 10e6);
        _fund(dave, 100e6);

        // DAO creation: a new model whose admin offered its role to the predicted timelock.
        newModel = _createModel(creator, SUPPLY, 0);
        address newTimelock = factory.predictDao(newModel).timelock;
        vm.prank(creator);
        shares.transferAdmin(newModel, newTimelock);

        // Snapshot griefing: a snapshot registered after both holders' last change (what anyone could do before the
        // fix) vs a model nobody but its admin/governor can register snapshots on.
        snapModel = _modelWithTwoHolders();
        _snapshot(snapModel);
        plainModel = _modelWithTwoHolders();

        // Next block: measured transfers and votes append fresh checkpoints.
        vm.roll(block.number + 1);
        vm.warp(block.timestamp + 12);
    }

    // ---------------------------------------------------------- measurement

    function _cool() internal {
        vm.cool(address(usd));
        vm.cool(address(shares));
        vm.cool(address(factory));
        vm.cool(address(datasets));
        vm.cool(address(staking));
        vm.cool(address(governor));
        vm.cool(timelock);
        vm.cool(votes);
        vm.cool(factory.governorImplementation());
        vm.cool(factory.timelockImplementation());
        vm.cool(factory.votesImplementation());
        vm.cool(address(anchorToken));
        vm.cool(address(anchorTimelock));
        vm.cool(address(anchor));
        vm.cool(address(box));
        vm.cool(creator);
        vm.cool(alice);
        vm.cool(bob);
        vm.cool(signer);
        vm.cool(dave);
        vm.cool(erin);
    }

    function _measure(address caller, address target, bytes memory data) internal returns (uint256 used) {
        _cool();
        vm.prank(caller);
        uint256 start = gasleft();
        (bool ok, bytes memory ret) = target.call(data);
        used = start - gasleft();
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
    }

    function _log(string memory label, uint256 value) internal pure {
        console.log(string.concat("GAS ", label, " ", vm.toString(value)));
    }

    function _ratio(string memory label, uint256 ours, uint256 theirs) internal pure {
        // Two decimals: ours / anchor.
        uint256 r = ours * 100 / theirs;
        console.log(string.concat("RATIO ", label, " ", vm.toString(r / 100), ".", r % 100 < 10 ? "0" : "", vm.toString(r % 100)));
    }

    // --------------------------------------------------------- DAO creation

    function test_gas_createDaoClones() public {
        ModelGovernor.Settings memory settings = _settings();
        bytes memory data = abi.encodeCall(DaoFactory.createDao, (newModel, settings, TIMELOCK_DELAY));
        uint256 used = _measure(creator, address(factory), data);
        _log("dao_create_clones", used);
        assertLe(used, 1_000_000);
    }

    /// @dev What a model would pay without clones: its own governor, timelock and votes view deployed in full
    ///      (before any initialisation, which the clones pay too), next to the anchor's governor + timelock.
    function test_gas_createDaoFullDeployment() public {
        uint256 start = gasleft();
        new ModelGovernor(shares, address(offering));
        uint256 governorGas = start - gasleft();
        start = gasleft();
        new ModelTimelock();
        uint256 timelockGas = start - gasleft();
        start = gasleft();
        new ModelVotes(shares, address(offering));
        uint256 votesGas = start - gasleft();
        uint256 full = governorGas + timelockGas + votesGas;
        _log("dao_full_deploy_governor", governorGas);
        _log("dao_full_deploy_timelock", timelockGas);
        _log("dao_full_deploy_votes", votesGas);
        _log("dao_full_deploy_total", full);

        address[] memory none = new address[](0);
        start = gasleft();
        TimelockController t = new TimelockController(TIMELOCK_DELAY, none, none, address(this));
        uint256 anchorTimelockGas = start - gasleft();
        start = gasleft();
        new AnchorGovernor(anchorToken, t, VOTING_DELAY, VOTING_PERIOD, 10_000, 20);
        uint256 anchorGovernorGas = start - gasleft();
        _log("anchor_deploy_governor", anchorGovernorGas);
        _log("anchor_deploy_timelock", anchorTimelockGas);
        _log("anchor_deploy_total", anchorGovernorGas + anchorTimelockGas);

        // Clones must pay for themselves several times over.
        ModelGovernor.Settings memory settings = _settings();
        uint256 clones =
            _measure(creator, address(factory), abi.encodeCall(DaoFactory.createDao, (newModel, settings, TIMELOCK_DELAY)));
        _ratio("dao_full_deploy_vs_clones", full, clones);
        assertGe(full, 4 * clones, "clones at least 4x cheaper than a full deployment");
    }

    // ------------------------------------------------------------- proposals

    function test_gas_propose() public {
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) =
            _one(address(shares), _manifest("bafy-v4"));
        uint256 ours = _measure(
            alice, address(governor), abi.encodeCall(IGovernor.propose, (targets, values, calldatas, "Promote v4"))
        );
        (targets, values, calldatas) = _one(address(box), _manifest("bafy-v4"));
        uint256 theirs = _measure(
            alice, address(anchor), abi.encodeCall(IGovernor.propose, (targets, values, calldatas, "Promote v4"))
        );
        // Ours also registers the proposal's snapshot on ModelShares (a new slot and a list entry).
        _log("propose", ours);
        _log("anchor_propose", theirs);
        _ratio("propose", ours, theirs);
        assertLe(ours, 200_000);
    }

    /// @dev The first vote on a proposal: "for" does not lead yet, so the super quorum cannot be reached and ours
    ///      skips the snapshot supply (see `ModelGovernor.state`).
    function test_gas_castVote() public {
        uint256 ours = _measure(alice, address(governor), abi.encodeCall(IGovernor.castVote, (pVote, 1)));
        uint256 theirs = _measure(alice, address(anchor), abi.encodeCall(IGovernor.castVote, (aVote, 1)));
        _log("cast_vote", ours);
        _log("anchor_cast_vote", theirs);
        _ratio("cast_vote", ours, theirs);
        assertLe(ours * 100, theirs * 120, "castVote within 1.2x the plain OpenZeppelin governor");
    }

    /// @dev A vote while "for" leads: ours checks the super quorum (an early pass), which reads the snapshot supply
    ///      and the ShareOffering escrow's votes (~13k, the trace: `getPastTotalSupply` ~5k, the escrow's
    ///      `getPastVotes` ~8k); the anchor has no super quorum, and its second vote on a proposal updates a non-zero
    ///      tally. Measured ~1.62x: a regression guard, not the 1.2x target (which the common first-vote and
    ///      "for"-behind cases meet).
    function test_gas_castVoteForLeading() public {
        uint256 ours = _measure(alice, address(governor), abi.encodeCall(IGovernor.castVote, (pLead, 1)));
        uint256 theirs = _measure(alice, address(anchor), abi.encodeCall(IGovernor.castVote, (aLead, 1)));
        _log("cast_vote_for_leading", ours);
        _log("anchor_cast_vote_for_leading", theirs);
        _ratio("cast_vote_for_leading", ours, theirs);
        assertLe(ours * 100, theirs * 170, "castVote with the super quorum check: regression guard");
    }

    function test_gas_castVoteWithReason() public {
        bytes memory data = abi.encodeCall(IGovernor.castVoteWithReason, (pVote, 0, "the eval regressed on MMLU"));
        uint256 ours = _measure(bob, address(governor), data);
        data = abi.encodeCall(IGovernor.castVoteWithReason, (aVote, 0, "the eval regressed on MMLU"));
        uint256 theirs = _measure(bob, address(anchor), data);
        _log("cast_vote_with_reason", ours);
        _log("anchor_cast_vote_with_reason", theirs);
        _ratio("cast_vote_with_reason", ours, theirs);
        assertLe(ours * 100, theirs * 120, "castVoteWithReason within 1.2x");
    }

    function _ballot(IGovernor target, uint256 proposalId) internal view returns (bytes memory) {
        ModelGovernor g = ModelGovernor(payable(address(target)));
        bytes32 structHash = keccak256(abi.encode(g.BALLOT_TYPEHASH(), proposalId, uint8(1), signer, g.nonces(signer)));
        bytes32 domain = keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256(bytes(g.name())),
                keccak256(bytes(g.version())),
                block.chainid,
                address(target)
            )
        );
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(signerKey, MessageHashUtils.toTypedDataHash(domain, structHash));
        return abi.encodeCall(IGovernor.castVoteBySig, (proposalId, 1, signer, abi.encodePacked(r, s, v)));
    }

    function test_gas_castVoteBySig() public {
        bytes memory ourData = _ballot(IGovernor(address(governor)), pVote);
        bytes memory theirData = _ballot(IGovernor(address(anchor)), aVote);
        uint256 ours = _measure(stranger, address(governor), ourData);
        uint256 theirs = _measure(stranger, address(anchor), theirData);
        _log("cast_vote_by_sig", ours);
        _log("anchor_cast_vote_by_sig", theirs);
        _ratio("cast_vote_by_sig", ours, theirs);
        assertLe(ours * 100, theirs * 120, "castVoteBySig within 1.2x");
    }

    function test_gas_queue() public {
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) =
            _one(address(shares), abi.encodeCall(IModelShares.setPricePerRequest, (id, 2)));
        uint256 ours =
            _measure(stranger, address(governor), abi.encodeCall(IGovernor.queue, (targets, values, calldatas, keccak256("price"))));
        (targets, values, calldatas) = _one(address(box), abi.encodeCall(IModelShares.setPricePerRequest, (id, 2)));
        uint256 theirs =
            _measure(stranger, address(anchor), abi.encodeCall(IGovernor.queue, (targets, values, calldatas, keccak256("price"))));
        _log("queue", ours);
        _log("anchor_queue", theirs);
        _ratio("queue", ours, theirs);
        assertLe(ours, 165_000);
    }

    function test_gas_executeSetManifest() public {
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) =
            _one(address(shares), _manifest("bafy-v2"));
        uint256 ours =
            _measure(stranger, address(governor), abi.encodeCall(IGovernor.execute, (targets, values, calldatas, keccak256("v2"))));
        (targets, values, calldatas) = _one(address(box), _manifest("bafy-v2"));
        uint256 theirs =
            _measure(stranger, address(anchor), abi.encodeCall(IGovernor.execute, (targets, values, calldatas, keccak256("v2"))));
        assertEq(shares.manifestCid(id), "bafy-v2");
        _log("execute_set_manifest", ours);
        _log("anchor_execute_set_manifest", theirs);
        _ratio("execute_set_manifest", ours, theirs);
        assertLe(ours, 150_000);
    }

    function test_gas_executeDatasetInclude() public {
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) =
            _one(address(datasets), abi.encodeCall(DatasetRegistry.include, (id, _dataset())));
        uint256 ours = _measure(
            stranger, address(governor), abi.encodeCall(IGovernor.execute, (targets, values, calldatas, keccak256("dataset")))
        );
        assertTrue(datasets.isIncluded(id, DATASET_CID));
        _log("execute_dataset_include", ours);
        assertLe(ours, 400_000);
    }

    // ------------------------------------------------------------- staking

    function test_gas_stake() public {
        vm.prank(dave);
        usd.approve(address(staking), type(uint256).max);
        uint256 used = _measure(dave, address(staking), abi.encodeCall(QualityStaking.stake, (id, pStake, true, 50e6)));
        _log("staking_stake", used);
        assertLe(used, 115_000);
    }

    /// @dev The first claim of an executed round also resolves it and pays the cut into the model's fee pool.
    function test_gas_claimResolving() public {
        uint256 used = _measure(erin, address(staking), abi.encodeCall(QualityStaking.claim, (id, pStakedFresh)));
        _log("staking_claim_resolving", used);
        assertLe(used, 150_000);
    }

    function test_gas_claimResolved() public {
        uint256 used = _measure(dave, address(staking), abi.encodeCall(QualityStaking.claim, (id, pStakedResolved)));
        _log("staking_claim_resolved", used);
        assertLe(used, 80_000);
    }

    // ---------------------------------------------------------- snapshots

    /// @dev What a griefer could impose on every holder before snapshots were restricted: the next transfer archives
    ///      both holders' votes.
    function test_gas_transferAfterGriefersSnapshot() public {
        bytes memory data = abi.encodeCall(IERC1155.safeTransferFrom, (creator, alice, snapModel, 1e6, ""));
        uint256 used = _measure(creator, address(shares), data);
        _log("transfer_after_registered_snapshot", used);
        assertGe(used, 100_000);
        assertLe(used, 140_000);
    }

    /// @dev Now a stranger's registration reverts, and the transfer stays plain.
    function test_gas_transferAfterStrangersSnapshotReverts() public {
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(IModelShares.ModelSharesUnauthorizedSnapshot.selector, plainModel, stranger)
        );
        shares.registerSnapshot(plainModel, uint48(block.number));
        bytes memory data = abi.encodeCall(IERC1155.safeTransferFrom, (creator, alice, plainModel, 1e6, ""));
        uint256 used = _measure(creator, address(shares), data);
        _log("transfer_after_strangers_snapshot_attempt", used);
        assertLe(used, 60_000);
    }
}
