// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {ModelShares} from "../../../contracts/shares/ModelShares.sol";

/// @notice What a model's admin does mid-flight in the handlers that play it: reschedules the fee split within the
///         10-point step ModelShares allows (a change already pending makes it a no-op).
abstract contract AdminActions is Test {
    function _rescheduleSplit(ModelShares shares, uint256 modelId, uint256 bps) internal {
        uint16 current = shares.feeShareBps(modelId);
        uint256 lo = current > 1_000 ? current - 1_000 : 0;
        uint256 hi = current + 1_000 > 10_000 ? 10_000 : current + 1_000;
        vm.prank(shares.adminOf(modelId));
        try shares.scheduleFeeShare(modelId, uint16(bound(bps, lo, hi))) {} catch {}
    }
}
