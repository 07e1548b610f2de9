// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC1155Holder} from "@openzeppelin/contracts/token/ERC1155/utils/ERC1155Holder.sol";
import {ModelShares} from "../../../contracts/shares/ModelShares.sol";

/// @notice ERC-1155 receiver that, on receipt, claims its fees, ships the shares to an accomplice and claims again.
contract ReentrantReceiver is ERC1155Holder {
    ModelShares public immutable shares;
    address public accomplice;
    bool public attack;
    uint256 public claimedInHook;

    constructor(ModelShares shares_) {
        shares = shares_;
    }

    function setAttack(bool attack_, address accomplice_) external {
        attack = attack_;
        accomplice = accomplice_;
    }

    function claim(uint256 id) external returns (uint256) {
        return shares.claim(id);
    }

    function onERC1155Received(address, address, uint256 id, uint256 value, bytes memory)
        public
        override
        returns (bytes4)
    {
        if (attack && msg.sender == address(shares)) {
            attack = false;
            claimedInHook += shares.claim(id);
            shares.safeTransferFrom(address(this), accomplice, id, value, "");
            claimedInHook += shares.claim(id);
        }
        return this.onERC1155Received.selector;
    }
}
