// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {EIP3009} from "./EIP3009.sol";

/// @title TestUSD
/// @notice A 6-decimal test stablecoin with EIP-2612 permit, EIP-3009 transfer authorizations (as USDC has them, so
///         stock x402 `exact` clients can pay with it) and a rate-limited dev faucet. modeldao deploys it as the
///         payment token on local chains only; real deployments name an existing stablecoin instead.
contract TestUSD is ERC20, ERC20Permit, EIP3009 {
    /// @notice Most that one call to `faucet` hands out: 10,000 tUSD.
    uint256 public constant FAUCET_LIMIT = 10_000e6;

    /// @notice The faucet was asked for more than `FAUCET_LIMIT`.
    error TestUSDFaucetLimitExceeded(uint256 requested, uint256 limit);

    constructor() ERC20("modeldao Test USD", "tUSD") ERC20Permit("modeldao Test USD") {}

    /// @notice EIP-712 domain version, read by x402 clients to sign authorizations.
    function version() external pure returns (string memory) {
        return "1";
    }

    /// @inheritdoc ERC20
    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /// @notice Mints `amount` (at most `FAUCET_LIMIT`) to `to`. Anyone may call it: this token has no value.
    /// @param to Receiver of the new tokens.
    /// @param amount Amount in 6-decimal units.
    function faucet(address to, uint256 amount) external {
        if (amount > FAUCET_LIMIT) revert TestUSDFaucetLimitExceeded(amount, FAUCET_LIMIT);
        _mint(to, amount);
    }
}
