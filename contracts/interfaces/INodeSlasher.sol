// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title INodeSlasher
/// @notice What NodeRegistry needs of its slasher: a handshake at deployment and the open-dispute count that
///         freezes a stake.
interface INodeSlasher {
    /// @notice Binds the calling NodeRegistry to this slasher. Called by NodeRegistry's constructor when it names
    ///         this contract as its slasher; accepted once, so the pairing is fixed at deployment (a NodeRegistry
    ///         whose slasher refuses the binding cannot be deployed).
    function bindRegistry() external;

    /// @notice How many disputes against `operator` on `modelId` are open; while any is, its stake cannot leave.
    function openChallenges(uint256 modelId, address operator) external view returns (uint256);
}
