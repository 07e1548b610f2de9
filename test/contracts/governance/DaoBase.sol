// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {BaseTest} from "../utils/BaseTest.sol";
import {SingleAction} from "../utils/SingleAction.sol";
import {ShareOffering} from "../../../contracts/shares/ShareOffering.sol";
import {ModelGovernor} from "../../../contracts/governance/ModelGovernor.sol";
import {ModelTimelock} from "../../../contracts/governance/ModelTimelock.sol";
import {ModelVotes} from "../../../contracts/governance/ModelVotes.sol";
import {DaoFactory} from "../../../contracts/governance/DaoFactory.sol";
import {DatasetRegistry} from "../../../contracts/governance/DatasetRegistry.sol";
import {QualityStaking} from "../../../contracts/governance/QualityStaking.sol";

/// @notice Shared fixture: the whole governance stack over ModelShares, and a model held by four holders
///         (creator 40%, alice 30%, bob 20%, carol 10%).
abstract contract DaoBase is BaseTest {
    ShareOffering internal offering;
    DaoFactory internal factory;
    DatasetRegistry internal datasets;
    QualityStaking internal staking;
    address internal guardian = makeAddr("guardian");
    address internal stranger = makeAddr("stranger");

    uint48 internal constant VOTING_DELAY = 10;
    uint32 internal constant VOTING_PERIOD = 50;
    uint256 internal constant TIMELOCK_DELAY = 1 days;
    uint256 internal id;

    function setUp() public virtual override {
        super.setUp();
        offering = new ShareOffering(shares);
        factory = new DaoFactory(
            shares,
            address(new ModelGovernor(shares, address(offering))),
            address(new ModelTimelock()),
            address(new ModelVotes(shares, address(offering)))
        );
        datasets = new DatasetRegistry(factory);
        staking = new QualityStaking(shares, factory);
        vm.roll(100);
        id = _createModel(creator, SUPPLY, 3_000);
        _transfer(creator, alice, id, 300_000);
        _transfer(creator, bob, id, 200_000);
        _transfer(creator, carol, id, 100_000);
        vm.roll(101);
    }

    function _settings() internal view returns (ModelGovernor.Settings memory) {
        return ModelGovernor.Settings({
            votingDelay: VOTING_DELAY,
            votingPeriod: VOTING_PERIOD,
            proposalThreshold: 10_000,
            quorumPercent: 20,
            superQuorumPercent: 60,
            guardian: guardian
        });
    }

    function _createDao(uint256 modelId) internal returns (DaoFactory.Dao memory dao) {
        return _createDao(modelId, _settings());
    }

    /// @dev A DAO for `modelId` with `settings`, e.g. no guardian (the CLI default).
    function _createDao(uint256 modelId, ModelGovernor.Settings memory settings)
        internal
        returns (DaoFactory.Dao memory dao)
    {
        address admin = shares.adminOf(modelId);
        dao = factory.predictDao(modelId);
        vm.startPrank(admin);
        shares.transferAdmin(modelId, dao.timelock);
        factory.createDao(modelId, settings, TIMELOCK_DELAY);
        vm.stopPrank();
    }

    /// @dev `_settings()` without a proposal guardian (the CLI default).
    function _settingsWithoutGuardian() internal view returns (ModelGovernor.Settings memory settings) {
        settings = _settings();
        settings.guardian = address(0);
    }

    function _governor(uint256 modelId) internal view returns (ModelGovernor) {
        return ModelGovernor(payable(factory.governorOf(modelId)));
    }

    function _one(address target, bytes memory data)
        internal
        pure
        returns (address[] memory targets, uint256[] memory values, bytes[] memory calldatas)
    {
        return SingleAction.arrays(target, data);
    }

    function _propose(address proposer, address target, bytes memory data, string memory description)
        internal
        returns (uint256 proposalId)
    {
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) = _one(target, data);
        ModelGovernor governor = _governor(id);
        vm.prank(proposer);
        proposalId = governor.propose(targets, values, calldatas, description);
    }

    function _vote(uint256 proposalId, address voter, uint8 support) internal {
        ModelGovernor governor = _governor(id);
        vm.prank(voter);
        governor.castVote(proposalId, support);
    }

    function _startVoting() internal {
        vm.roll(block.number + VOTING_DELAY + 1);
    }

    function _endVoting() internal {
        vm.roll(block.number + VOTING_PERIOD + 1);
    }

    /// @dev Queues and executes a passed single-action proposal.
    function _queueAndExecute(address target, bytes memory data, string memory description) internal {
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) = _one(target, data);
        ModelGovernor governor = _governor(id);
        bytes32 descriptionHash = keccak256(bytes(description));
        governor.queue(targets, values, calldatas, descriptionHash);
        vm.warp(block.timestamp + TIMELOCK_DELAY + 1);
        governor.execute(targets, values, calldatas, descriptionHash);
    }

    function _state(uint256 proposalId) internal view returns (IGovernor.ProposalState) {
        return _governor(id).state(proposalId);
    }
}
