// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {TestUSD} from "../../../contracts/mocks/TestUSD.sol";

contract TestUSDTest is Test {
    TestUSD internal token;

    function setUp() public {
        token = new TestUSD();
    }

    function test_decimals_isSix() public view {
        assertEq(token.decimals(), 6);
    }

    function test_faucet_mintsToReceiver() public {
        token.faucet(address(0xBEEF), 5e6);
        assertEq(token.balanceOf(address(0xBEEF)), 5e6);
        assertEq(token.totalSupply(), 5e6);
    }

    function test_faucet_revertsAboveLimit() public {
        uint256 limit = token.FAUCET_LIMIT();
        vm.expectRevert(abi.encodeWithSelector(TestUSD.TestUSDFaucetLimitExceeded.selector, limit + 1, limit));
        token.faucet(address(this), limit + 1);
    }

    function testFuzz_permit_setsAllowance(uint256 ownerKey, address spender, uint256 value) public {
        ownerKey = bound(ownerKey, 1, 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140);
        vm.assume(spender != address(0));
        address owner = vm.addr(ownerKey);
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"),
                owner,
                spender,
                value,
                token.nonces(owner),
                deadline
            )
        );
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(ownerKey, digest);
        token.permit(owner, spender, value, deadline, v, r, s);
        assertEq(token.allowance(owner, spender), value);
        assertEq(token.nonces(owner), 1);
    }
}
