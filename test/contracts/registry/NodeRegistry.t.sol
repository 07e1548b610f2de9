// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {NodeRegistry} from "../../../contracts/registry/NodeRegistry.sol";
import {BaseTest} from "../utils/BaseTest.sol";

contract NodeRegistryTest is BaseTest {
    NodeRegistry internal registry;
    address internal operator = makeAddr("operator");
    uint256 internal id;
    uint256 internal constant MIN_STAKE = 10e6;

    function setUp() public override {
        super.setUp();
        registry = new NodeRegistry(shares, MIN_STAKE);
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
