// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {TimelockControllerUpgradeable} from
    "@openzeppelin/contracts-upgradeable/governance/TimelockControllerUpgradeable.sol";
import {IModelShares} from "../interfaces/IModelShares.sol";

/// @title ModelTimelock
/// @notice The timelock of one model's DAO: the model's admin on ModelShares, driven only by the model's governor.
///         Cloned per model by the DaoFactory.
contract ModelTimelock is TimelockControllerUpgradeable {
    constructor() {
        _disableInitializers();
    }

    /// @notice Sets up the timelock for `modelId` and takes the model's admin role, which its admin must have offered
    ///         to this address (`ModelShares.transferAdmin`); then lets `governor` register vote snapshots.
    /// @param minDelay Seconds between queueing and executing a proposal.
    /// @param governor The model's governor: sole proposer, canceller and executor.
    /// @param shares The ModelShares deployment.
    /// @param modelId The model.
    function initializeModel(uint256 minDelay, address governor, IModelShares shares, uint256 modelId)
        external
        initializer
    {
        address[] memory governors = new address[](1);
        governors[0] = governor;
        // No admin besides the timelock itself: roles change only through proposals.
        __TimelockController_init(minDelay, governors, governors, address(0));
        shares.acceptAdmin(modelId);
        shares.setSnapshotter(modelId, governor);
    }
}
