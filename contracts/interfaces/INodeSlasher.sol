// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title INodeSlasher
/// @notice What NodeRegistry needs of its slasher: the open-dispute count that freezes a stake.
interface INodeSlasher {
    /// @notice How many disputes against `operator` on `modelId` are open; while any is, its stake cannot leave.
    function openChallenges(uint256 modelId, address operator) external view returns (uint256);
}
