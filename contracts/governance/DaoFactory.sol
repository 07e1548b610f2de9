// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {TimelockControllerUpgradeable} from
    "@openzeppelin/contracts-upgradeable/governance/TimelockControllerUpgradeable.sol";
import {IModelShares} from "../interfaces/IModelShares.sol";
import {ModelGovernor} from "./ModelGovernor.sol";
import {ModelTimelock} from "./ModelTimelock.sol";
import {ModelVotes} from "./ModelVotes.sol";

/// @title DaoFactory
/// @notice Creates each model's DAO: a governor, a timelock and a votes view, as minimal clones (EIP-1167) at
///         addresses predictable from the model id. Creating the DAO hands the model's admin rights (manifest,
///         fee share, price, royalty receiver) to the timelock: the admin first offers the role to the predicted
///         timelock (`ModelShares.transferAdmin`), then calls `createDao`, whose timelock accepts it.
/// @dev Clones, not full deployments: a model's governor + timelock deployed in full cost ~7.3M gas, the clones and
///      their initialisation ~0.7M (see the gas benchmark); the price is one DELEGATECALL (~2.7k gas) per call.
///      The votes clone is the model's `IERC5805` view (the governor's `token()`) for wallets and indexers; the
///      governor itself reads ModelShares directly.
contract DaoFactory {
    /// @notice A model's DAO.
    struct Dao {
        address governor;
        address timelock;
        address votes;
    }

    /// @notice The share contract.
    IModelShares public immutable shares;
    /// @notice Implementations the clones delegate to.
    address public immutable governorImplementation;
    address public immutable timelockImplementation;
    address public immutable votesImplementation;
    /// @notice Bounds on the timelock delay, in seconds.
    uint256 public constant MAX_TIMELOCK_DELAY = 30 days;

    mapping(uint256 modelId => Dao) private _daos;

    /// @notice The DAO of `modelId` was created and holds the model's admin role.
    event DaoCreated(uint256 indexed modelId, address governor, address timelock, address votes, uint256 timelockDelay);

    /// @dev Only the model's admin may create its DAO.
    error DaoFactoryUnauthorized(uint256 modelId, address caller);
    /// @dev The model already has a DAO.
    error DaoFactoryExists(uint256 modelId, address governor);
    /// @dev The admin role of the model was not offered to the DAO's timelock.
    error DaoFactoryAdminNotOffered(uint256 modelId, address timelock);
    /// @dev The timelock delay is above `MAX_TIMELOCK_DELAY`.
    error DaoFactoryInvalidDelay(uint256 delay, uint256 max);
    /// @dev An implementation was built for another ModelShares.
    error DaoFactoryInvalidImplementation();

    /// @param shares_ The ModelShares deployment.
    /// @param governorImplementation_ A ModelGovernor for `shares_`.
    /// @param timelockImplementation_ A ModelTimelock.
    /// @param votesImplementation_ A ModelVotes for `shares_`.
    constructor(
        IModelShares shares_,
        address governorImplementation_,
        address timelockImplementation_,
        address votesImplementation_
    ) {
        // The governor computes the quorums' supply itself (ModelShares direct) as the votes view does: both must
        // read the same ModelShares and leave out the same escrow.
        ModelGovernor governor = ModelGovernor(payable(governorImplementation_));
        ModelVotes votes = ModelVotes(votesImplementation_);
        if (
            address(governor.shares()) != address(shares_) || address(votes.shares()) != address(shares_)
                || governor.nonVotingHolder() != votes.nonVotingHolder()
        ) revert DaoFactoryInvalidImplementation();
        shares = shares_;
        governorImplementation = governorImplementation_;
        timelockImplementation = timelockImplementation_;
        votesImplementation = votesImplementation_;
    }

    /// @notice Creates the DAO of `modelId` and hands it the model's admin role. Model admin only, once per model;
    ///         the admin must have offered its role to `predictDao(modelId).timelock` first.
    /// @param modelId The model.
    /// @param settings Governor settings (voting delay and period in blocks, threshold, quorum and super quorum as
    ///        percentages of the shares that can vote, proposal guardian).
    /// @param timelockDelay Seconds between queueing and executing a proposal, at most `MAX_TIMELOCK_DELAY`.
    /// @return dao The new DAO's addresses.
    function createDao(uint256 modelId, ModelGovernor.Settings calldata settings, uint256 timelockDelay)
        external
        returns (Dao memory dao)
    {
        if (shares.adminOf(modelId) != msg.sender) revert DaoFactoryUnauthorized(modelId, msg.sender);
        address existing = _daos[modelId].governor;
        if (existing != address(0)) revert DaoFactoryExists(modelId, existing);
        if (timelockDelay > MAX_TIMELOCK_DELAY) revert DaoFactoryInvalidDelay(timelockDelay, MAX_TIMELOCK_DELAY);
        dao = predictDao(modelId);
        if (shares.pendingAdminOf(modelId) != dao.timelock) revert DaoFactoryAdminNotOffered(modelId, dao.timelock);

        bytes32 salt = bytes32(modelId);
        Clones.cloneDeterministicWithImmutableArgs(votesImplementation, abi.encode(modelId), salt);
        Clones.cloneDeterministic(governorImplementation, salt);
        Clones.cloneDeterministic(timelockImplementation, salt);
        _daos[modelId] = dao;
        emit DaoCreated(modelId, dao.governor, dao.timelock, dao.votes, timelockDelay);

        ModelGovernor(payable(dao.governor)).initialize(
            modelId, IVotes(dao.votes), TimelockControllerUpgradeable(payable(dao.timelock)), settings
        );
        ModelTimelock(payable(dao.timelock)).initializeModel(timelockDelay, dao.governor, shares, modelId);
    }

    /// @notice The DAO of `modelId`; zero addresses if it has none.
    function daoOf(uint256 modelId) external view returns (Dao memory) {
        return _daos[modelId];
    }

    /// @notice The governor of `modelId`; zero if it has no DAO.
    function governorOf(uint256 modelId) external view returns (address) {
        return _daos[modelId].governor;
    }

    /// @notice The timelock of `modelId`; zero if it has no DAO.
    function timelockOf(uint256 modelId) external view returns (address) {
        return _daos[modelId].timelock;
    }

    /// @notice Where the DAO of `modelId` is (or will be) deployed.
    function predictDao(uint256 modelId) public view returns (Dao memory dao) {
        bytes32 salt = bytes32(modelId);
        dao.governor = Clones.predictDeterministicAddress(governorImplementation, salt);
        dao.timelock = Clones.predictDeterministicAddress(timelockImplementation, salt);
        dao.votes = Clones.predictDeterministicAddressWithImmutableArgs(votesImplementation, abi.encode(modelId), salt);
    }
}
