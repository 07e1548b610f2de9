// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {NodeRegistry} from "../../../contracts/registry/NodeRegistry.sol";
import {INodeSlasher} from "../../../contracts/interfaces/INodeSlasher.sol";
import {BaseTest} from "../utils/BaseTest.sol";

contract NodeRegistryTest is BaseTest {
    NodeRegistry internal registry;
    address internal operator = makeAddr("operator");
    uint256 internal id;
    uint256 internal constant MIN_STAKE = 10e6;

    function setUp() public override {
        super.setUp();
        registry = new NodeRegistry(shares, MIN_STAKE, INodeSlasher(address(0)));
        id = _createModel(creator, SUPPLY, 2_000);
        _fund(operator, 100e6);
        vm.prank(operator);
        usd.approve(address(registry), type(uint256).max);
    }

    function _prices(uint128 perRequest, uint128 perToken) internal pure returns (NodeRegistry.Prices memory) {
        return NodeRegistry.Prices({perRequest: perRequest, perOutputToken: perToken});
    }

    function test_register_updateUnregisterWithdraw() public {
        vm.startPrank(operator);
        registry.register(id, "http://127.0.0.1:8000", _prices(100, 2), 20e6);
        address[] memory ops = registry.operatorsOf(id);
        assertEq(ops.length, 1);
        assertEq(ops[0], operator);
        registry.update(id, "http://127.0.0.1:9000", _prices(50, 1));
        registry.addStake(id, 5e6);
        NodeRegistry.Registration memory r = registry.registration(id, operator);
        assertEq(r.endpoint, "http://127.0.0.1:9000");
        assertEq(r.prices.perRequest, 50);
        assertEq(r.stake, 25e6);
        registry.unregister(id);
        assertEq(registry.operatorsOf(id).length, 0);
        uint256 end = block.timestamp + registry.UNBONDING_PERIOD();
        vm.expectRevert(abi.encodeWithSelector(NodeRegistry.NodeRegistryNotUnbonded.selector, id, operator, end));
        registry.withdrawStake(id);
        vm.expectRevert(abi.encodeWithSelector(NodeRegistry.NodeRegistryNotRegistered.selector, id, operator));
        registry.update(id, "http://x", _prices(1, 1));
        vm.expectRevert(abi.encodeWithSelector(NodeRegistry.NodeRegistryAlreadyRegistered.selector, id, operator));
        registry.register(id, "http://x", _prices(1, 1), 20e6);
        vm.warp(end);
        assertEq(registry.withdrawStake(id), 25e6);
        vm.stopPrank();
        assertEq(usd.balanceOf(operator), 100e6);
    }

    function test_register_rejectsBadInput() public {
        vm.startPrank(operator);
        vm.expectRevert(abi.encodeWithSelector(NodeRegistry.NodeRegistryUnknownModel.selector, 99));
        registry.register(99, "http://x", _prices(1, 1), 20e6);
        vm.expectRevert(abi.encodeWithSelector(NodeRegistry.NodeRegistryStakeTooLow.selector, 1e6, MIN_STAKE));
        registry.register(id, "http://x", _prices(1, 1), 1e6);
        vm.expectRevert(abi.encodeWithSelector(NodeRegistry.NodeRegistryInvalidEndpoint.selector, 0));
        registry.register(id, "", _prices(1, 1), 20e6);
        vm.expectRevert(abi.encodeWithSelector(NodeRegistry.NodeRegistryNotRegistered.selector, id, operator));
        registry.withdrawStake(id);
        registry.register(id, "http://x", _prices(1, 1), 20e6);
        vm.expectRevert(abi.encodeWithSelector(NodeRegistry.NodeRegistryNotUnbonded.selector, id, operator, 0));
        registry.withdrawStake(id);
        vm.stopPrank();
    }

    function testFuzz_stakeIsConserved(uint96 stake, uint96 extra) public {
        stake = uint96(bound(stake, MIN_STAKE, 50e6));
        extra = uint96(bound(extra, 0, 50e6));
        vm.startPrank(operator);
        registry.register(id, "http://x", _prices(1, 1), stake);
        registry.addStake(id, extra);
        assertEq(usd.balanceOf(address(registry)), uint256(stake) + extra);
        registry.unregister(id);
        vm.warp(block.timestamp + registry.UNBONDING_PERIOD());
        registry.withdrawStake(id);
        vm.stopPrank();
        assertEq(usd.balanceOf(operator), 100e6);
        assertEq(usd.balanceOf(address(registry)), 0);
    }
}

/// @notice NodeRegistry's slasher seam, with this test as the slasher.
contract NodeRegistrySlashTest is BaseTest, INodeSlasher {
    NodeRegistry internal registry;
    address internal operator = makeAddr("operator");
    address internal sink = makeAddr("sink");
    uint256 internal id;
    uint256 internal open;
    uint256 internal constant MIN_STAKE = 10e6;

    function openChallenges(uint256, address) external view returns (uint256) {
        return open;
    }

    function setUp() public override {
        super.setUp();
        registry = new NodeRegistry(shares, MIN_STAKE, this);
        id = _createModel(creator, SUPPLY, 2_000);
        _fund(operator, 100e6);
        vm.startPrank(operator);
        usd.approve(address(registry), type(uint256).max);
        registry.register(id, "http://x", NodeRegistry.Prices({perRequest: 1, perOutputToken: 1}), 50e6);
        vm.stopPrank();
    }

    function test_constructor_namesTheSlasher() public view {
        // The slasher's deployer binds it afterwards (ReceiptChallenges.bindRegistry): the constructor only names it.
        assertEq(address(registry.slasher()), address(this));
    }

    function test_slash_onlyTheSlasher() public {
        vm.expectRevert(abi.encodeWithSelector(NodeRegistry.NodeRegistryNotSlasher.selector, operator));
        vm.prank(operator);
        registry.slash(id, operator, 1, operator);
        // A registry without slasher: nobody slashes, not even the zero address.
        NodeRegistry bare = new NodeRegistry(shares, MIN_STAKE, INodeSlasher(address(0)));
        vm.expectRevert(abi.encodeWithSelector(NodeRegistry.NodeRegistryNotSlasher.selector, address(0)));
        vm.prank(address(0));
        bare.slash(id, operator, 1, operator);
    }

    function test_slash_movesStakeToReceiver() public {
        vm.expectEmit(address(registry));
        emit NodeRegistry.StakeSlashed(id, operator, 15e6, sink);
        assertEq(registry.slash(id, operator, 15e6, sink), 15e6);
        assertEq(registry.stakeOf(id, operator), 35e6);
        assertEq(usd.balanceOf(sink), 15e6);
        assertEq(usd.balanceOf(address(registry)), 35e6);
        assertEq(registry.operatorsOf(id).length, 1, "still above the minimum: still active");
    }

    function test_slash_belowMinimumStartsUnbonding() public {
        registry.slash(id, operator, 45e6, sink);
        NodeRegistry.Registration memory r = registry.registration(id, operator);
        assertEq(r.stake, 5e6);
        assertEq(r.unbondingEnd, block.timestamp + registry.UNBONDING_PERIOD());
        assertEq(registry.operatorsOf(id).length, 0);
        vm.warp(r.unbondingEnd);
        vm.prank(operator);
        assertEq(registry.withdrawStake(id), 5e6);
    }

    function test_slash_capsAtStakeAndForgetsTheRegistration() public {
        assertEq(registry.slash(id, operator, type(uint256).max, sink), 50e6);
        assertEq(registry.stakeOf(id, operator), 0);
        assertEq(registry.operatorsOf(id).length, 0);
        assertEq(registry.slash(id, operator, 1, sink), 0, "nothing left to take");
        // The operator may register again.
        vm.prank(operator);
        registry.register(id, "http://x", NodeRegistry.Prices({perRequest: 1, perOutputToken: 1}), 50e6);
    }

    function test_slash_reachesUnbondingStake() public {
        vm.prank(operator);
        registry.unregister(id);
        registry.slash(id, operator, 20e6, sink);
        assertEq(registry.stakeOf(id, operator), 30e6);
    }

    function test_withdrawStake_frozenWhileAChallengeIsOpen() public {
        vm.prank(operator);
        registry.unregister(id);
        vm.warp(block.timestamp + registry.UNBONDING_PERIOD());
        open = 2;
        vm.expectRevert(abi.encodeWithSelector(NodeRegistry.NodeRegistryStakeFrozen.selector, id, operator, 2));
        vm.prank(operator);
        registry.withdrawStake(id);
        open = 0;
        vm.prank(operator);
        assertEq(registry.withdrawStake(id), 50e6);
    }

    function testFuzz_slash_conservesTokens(uint256 amount, uint256 stake) public {
        stake = bound(stake, MIN_STAKE, 50e6);
        amount = bound(amount, 0, 100e6);
        address other = makeAddr("other");
        _fund(other, stake);
        vm.startPrank(other);
        usd.approve(address(registry), stake);
        registry.register(id, "http://y", NodeRegistry.Prices({perRequest: 1, perOutputToken: 1}), stake);
        vm.stopPrank();
        uint256 slashed = registry.slash(id, other, amount, sink);
        assertEq(slashed, amount < stake ? amount : stake);
        assertEq(usd.balanceOf(address(registry)), 50e6 + stake - slashed);
        assertEq(usd.balanceOf(sink), slashed);
    }
}
