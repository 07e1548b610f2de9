// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice The arrays a governor takes for a proposal of one action, for the tests and handlers that build them.
library SingleAction {
    /// @dev `target` called with `data`, no value.
    function arrays(address target, bytes memory data)
        internal
        pure
        returns (address[] memory targets, uint256[] memory values, bytes[] memory calldatas)
    {
        targets = new address[](1);
        targets[0] = target;
        values = new uint256[](1);
        calldatas = new bytes[](1);
        calldatas[0] = data;
    }
}
