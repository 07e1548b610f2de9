// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ERC1155Holder} from "@openzeppelin/contracts/token/ERC1155/utils/ERC1155Holder.sol";

/// @notice Generic attacker: executes calls, and when a token hook calls `reenter()` it replays a stored call.
///         Also an ERC-1271 wallet that accepts every signature (it is the payer in escrow tests).
contract Attacker is ERC1155Holder, IERC1271 {
    address public reentryTarget;
    bytes public reentryData;

    function exec(address target, bytes calldata data) external returns (bytes memory ret) {
        bool ok;
        (ok, ret) = target.call(data);
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
    }

    function setReentry(address target, bytes calldata data) external {
        reentryTarget = target;
        reentryData = data;
    }

    function reenter() external returns (bytes memory ret) {
        bool ok;
        (ok, ret) = reentryTarget.call(reentryData);
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
    }

    function isValidSignature(bytes32, bytes calldata) external pure returns (bytes4) {
        return IERC1271.isValidSignature.selector;
    }
}
