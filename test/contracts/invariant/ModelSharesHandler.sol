// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {TestUSD} from "../../../contracts/mocks/TestUSD.sol";
import {ModelShares} from "../../../contracts/shares/ModelShares.sol";

/// @notice Drives ModelShares with a few actors: transfers, fee deposits, claims, delegation and new blocks.
contract ModelSharesHandler is Test {
    struct VoteSnapshot {
        uint256 id;
        address account;
        uint256 blockNumber;
        uint256 votes;
    }

    ModelShares public immutable shares;
    TestUSD public immutable usd;
    address[] public actors;
    uint256[] public ids;

    mapping(uint256 id => uint256) public ghostDeposited;
    mapping(uint256 id => uint256) public ghostClaimed;
    bool public ghostTransferChangedClaimable;
    VoteSnapshot[] internal _snapshots;
    uint256 public constant MAX_SNAPSHOTS = 64;

    constructor(ModelShares shares_, TestUSD usd_) {
        shares = shares_;
        usd = usd_;
        for (uint256 i; i < 4; ++i) {
            actors.push(makeAddr(string.concat("actor", vm.toString(i))));
        }
        vm.prank(actors[0]);
        ids.push(shares.createModel("cid-a", 1_000_000, 0, 0, 0));
        // An odd, prime supply to exercise rounding.
        vm.prank(actors[1]);
        ids.push(shares.createModel("cid-b", 7_919, 0, 0, 0));
    }

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    function idCount() external view returns (uint256) {
        return ids.length;
    }

    function snapshotCount() external view returns (uint256) {
        return _snapshots.length;
    }

    function snapshot(uint256 i) external view returns (VoteSnapshot memory) {
        return _snapshots[i];
    }

    function _actor(uint256 seed) internal view returns (address) {
        return actors[seed % actors.length];
    }

    function _id(uint256 seed) internal view returns (uint256) {
        return ids[seed % ids.length];
    }

    function transfer(uint256 fromSeed, uint256 toSeed, uint256 idSeed, uint256 amount) external {
        address from = _actor(fromSeed);
        address to = _actor(toSeed);
        uint256 id = _id(idSeed);
        amount = bound(amount, 0, shares.balanceOf(from, id));
        uint256[] memory before = new uint256[](actors.length);
        for (uint256 i; i < actors.length; ++i) {
            before[i] = shares.claimable(id, actors[i]);
        }
        vm.prank(from);
        shares.safeTransferFrom(from, to, id, amount, "");
        for (uint256 i; i < actors.length; ++i) {
            if (shares.claimable(id, actors[i]) != before[i]) ghostTransferChangedClaimable = true;
        }
    }

    function depositFees(uint256 idSeed, uint256 amount) external {
        uint256 id = _id(idSeed);
        amount = bound(amount, 1, 1e15);
        address funder = makeAddr("funder");
        deal(address(usd), funder, amount, true);
        vm.startPrank(funder);
        usd.approve(address(shares), amount);
        shares.depositFees(id, amount);
        vm.stopPrank();
        ghostDeposited[id] += amount;
    }

    function claim(uint256 actorSeed, uint256 idSeed) external {
        uint256 id = _id(idSeed);
        vm.prank(_actor(actorSeed));
        ghostClaimed[id] += shares.claim(id);
    }

    function claimMany(uint256 actorSeed) external {
        address actor = _actor(actorSeed);
        uint256[] memory before = new uint256[](ids.length);
        for (uint256 i; i < ids.length; ++i) {
            before[i] = shares.claimable(ids[i], actor);
        }
        vm.prank(actor);
        shares.claimMany(ids);
        for (uint256 i; i < ids.length; ++i) {
            ghostClaimed[ids[i]] += before[i];
        }
    }

    function delegate(uint256 actorSeed, uint256 idSeed, uint256 toSeed) external {
        // One seed in five restores self-delegation through address(0).
        address to = toSeed % 5 == 4 ? address(0) : _actor(toSeed);
        vm.prank(_actor(actorSeed));
        shares.delegate(_id(idSeed), to);
    }

    function registerSnapshot(uint256 idSeed) external {
        // The handler created every model, so it is their admin.
        shares.registerSnapshot(_id(idSeed), uint48(block.number));
    }

    /// @dev Records every (id, actor) vote count of the current block for each id that registered it as a snapshot
    ///      (only those can be read back), then moves to a later block.
    function roll(uint256 blocks) external {
        blocks = bound(blocks, 1, 20);
        for (uint256 i; i < ids.length; ++i) {
            if (!shares.isSnapshot(ids[i], block.number)) continue;
            for (uint256 j; j < actors.length; ++j) {
                if (_snapshots.length >= MAX_SNAPSHOTS) break;
                _snapshots.push(
                    VoteSnapshot({
                        id: ids[i],
                        account: actors[j],
                        blockNumber: block.number,
                        votes: shares.getVotes(ids[i], actors[j])
                    })
                );
            }
        }
        vm.roll(block.number + blocks);
    }
}
