// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {TestUSD} from "../../../contracts/mocks/TestUSD.sol";
import {ModelGovernor} from "../../../contracts/governance/ModelGovernor.sol";
import {QualityStaking} from "../../../contracts/governance/QualityStaking.sol";
import {SingleAction} from "../utils/SingleAction.sol";

/// @notice What the handlers that drive one model's DAO share: the DAO's parts, the actors (holders first, then two
///         outsiders), the proposal-state masks, single-action proposals and the cancel rule every cancel is checked
///         against (the proposer while pending; the guardian until the proposal runs, never once defeated).
abstract contract GovernorHandlerBase is Test {
    TestUSD public immutable usd;
    QualityStaking public immutable staking;
    ModelGovernor public immutable governor;
    address public immutable timelock;
    address public immutable guardian;
    uint256 public immutable modelId;

    /// Holders first (they vote and propose), then two outsiders.
    address[] public actors;
    uint256 public constant HOLDERS = 4;
    bool public ghostBadCancel;
    mapping(bytes32 => uint256) public calls;

    uint256 internal constant PENDING = 1 << uint8(IGovernor.ProposalState.Pending);
    uint256 internal constant ACTIVE = 1 << uint8(IGovernor.ProposalState.Active);
    uint256 internal constant SUCCEEDED = 1 << uint8(IGovernor.ProposalState.Succeeded);
    uint256 internal constant QUEUED = 1 << uint8(IGovernor.ProposalState.Queued);
    uint256 internal constant FINAL = 1 << uint8(IGovernor.ProposalState.Canceled)
        | 1 << uint8(IGovernor.ProposalState.Executed) | 1 << uint8(IGovernor.ProposalState.Expired);

    /// @dev The DAO's parts; the actors are `holders` then two outsiders named `outsiders[0]`, `outsiders[1]`.
    struct Dao {
        TestUSD usd;
        QualityStaking staking;
        ModelGovernor governor;
        address timelock;
        address guardian;
        uint256 modelId;
    }

    constructor(Dao memory dao, address[] memory holders, string[2] memory outsiders) {
        usd = dao.usd;
        staking = dao.staking;
        governor = dao.governor;
        timelock = dao.timelock;
        guardian = dao.guardian;
        modelId = dao.modelId;
        for (uint256 i; i < holders.length; ++i) {
            actors.push(holders[i]);
        }
        actors.push(makeAddr(outsiders[0]));
        actors.push(makeAddr(outsiders[1]));
    }

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    function _actor(uint256 seed) internal view returns (address) {
        return actors[seed % actors.length];
    }

    /// @dev The arrays of a single-action proposal.
    function _single(address target, bytes memory data)
        internal
        pure
        returns (address[] memory targets, uint256[] memory values, bytes[] memory calldatas)
    {
        return SingleAction.arrays(target, data);
    }

    /// @dev `who` cancels proposal `proposalId` (`target`, `data`, `description`); books a broken rule in
    ///      `ghostBadCancel` if it succeeds where the rule forbids or fails where the rule allows, counts it under
    ///      `label` when it succeeds.
    function _cancelChecked(
        address who,
        uint256 proposalId,
        address target,
        bytes memory data,
        string memory description,
        bytes32 label
    ) internal {
        IGovernor.ProposalState state = governor.state(proposalId);
        bool allowed = who == guardian
            ? state != IGovernor.ProposalState.Defeated
            : state == IGovernor.ProposalState.Pending && who == governor.proposalProposer(proposalId);
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) = _single(target, data);
        vm.prank(who);
        try governor.cancel(targets, values, calldatas, keccak256(bytes(description))) {
            if (!allowed) ghostBadCancel = true;
            ++calls[label];
        } catch {
            if (allowed) ghostBadCancel = true;
        }
    }
}
