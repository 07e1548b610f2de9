// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {TestUSD} from "../../../contracts/mocks/TestUSD.sol";
import {ModelShares} from "../../../contracts/shares/ModelShares.sol";

/// @notice Shared fixture: TestUSD + ModelShares and a few funded actors.
abstract contract BaseTest is Test {
    TestUSD internal usd;
    ModelShares internal shares;

    address internal creator = makeAddr("creator");
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    address internal carol = makeAddr("carol");

    string internal constant CID = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";
    uint256 internal constant SUPPLY = 1_000_000;

    function setUp() public virtual {
        usd = new TestUSD();
        shares = new ModelShares(usd, "modeldao Model Shares");
    }

    function _fund(address who, uint256 amount) internal {
        deal(address(usd), who, usd.balanceOf(who) + amount, true);
    }

    function _createModel(address who, uint256 supply, uint16 feeBps) internal returns (uint256 id) {
        vm.prank(who);
        id = shares.createModel(CID, supply, 500, feeBps, 1e4);
    }

    function _depositFees(uint256 id, uint256 amount) internal {
        address funder = makeAddr("feeFunder");
        _fund(funder, amount);
        vm.startPrank(funder);
        usd.approve(address(shares), amount);
        shares.depositFees(id, amount);
        vm.stopPrank();
    }

    /// @dev Registers the current block as a snapshot of `id`, as its admin.
    function _snapshot(uint256 id) internal {
        address admin = shares.adminOf(id);
        vm.prank(admin);
        shares.registerSnapshot(id, uint48(block.number));
    }

    function _transfer(address from, address to, uint256 id, uint256 amount) internal {
        vm.prank(from);
        shares.safeTransferFrom(from, to, id, amount, "");
    }
}
