// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {TestUSD} from "../../../contracts/mocks/TestUSD.sol";
import {ModelShares} from "../../../contracts/shares/ModelShares.sol";
import {ModelSharesHandler} from "./ModelSharesHandler.sol";

contract ModelSharesInvariantTest is Test {
    ModelShares internal shares;
    TestUSD internal usd;
    ModelSharesHandler internal handler;

    function setUp() public {
        usd = new TestUSD();
        shares = new ModelShares(usd, "inv");
        handler = new ModelSharesHandler(shares, usd);
        targetContract(address(handler));
        bytes4[] memory selectors = new bytes4[](7);
        selectors[0] = ModelSharesHandler.transfer.selector;
        selectors[1] = ModelSharesHandler.depositFees.selector;
        selectors[2] = ModelSharesHandler.claim.selector;
        selectors[3] = ModelSharesHandler.claimMany.selector;
        selectors[4] = ModelSharesHandler.delegate.selector;
        selectors[5] = ModelSharesHandler.roll.selector;
        selectors[6] = ModelSharesHandler.registerSnapshot.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    /// (a) Conservation: the contract holds exactly what was deposited and not yet claimed; holders' claimed +
    ///     claimable never exceeds deposits and falls short by less than 1 + holders (the documented dust bound).
    function invariant_feesConserved() public view {
        uint256 held;
        uint256 nActors = handler.actorCount();
        for (uint256 i; i < handler.idCount(); ++i) {
            uint256 id = handler.ids(i);
            uint256 deposited = handler.ghostDeposited(id);
            (uint256 poolTotal,) = shares.feePool(id);
            assertEq(poolTotal, deposited, "pool total");
            uint256 owed;
            uint256 claimedSum;
            for (uint256 j; j < nActors; ++j) {
                address a = handler.actors(j);
                claimedSum += shares.claimed(id, a);
                owed += shares.claimed(id, a) + shares.claimable(id, a);
            }
            assertEq(claimedSum, handler.ghostClaimed(id), "claimed ghost");
            assertLe(owed, deposited, "never more than deposited");
            assertLe(deposited - owed, nActors, "dust bound: < 1 + holders");
            held += deposited - claimedSum;
        }
        assertEq(usd.balanceOf(address(shares)), held, "token balance");
    }

    /// (b) No transfer ever changed anyone's claimable fees.
    function invariant_transfersKeepClaimable() public view {
        assertFalse(handler.ghostTransferChangedClaimable());
    }

    /// (d) With implicit self-delegation every share votes: votes sum to the supply and each delegate's votes are
    ///     the balances of the accounts delegating to it.
    function invariant_votesMatchDelegatedBalances() public view {
        uint256 nActors = handler.actorCount();
        for (uint256 i; i < handler.idCount(); ++i) {
            uint256 id = handler.ids(i);
            uint256 sum;
            for (uint256 j; j < nActors; ++j) {
                address d = handler.actors(j);
                uint256 expected;
                for (uint256 k; k < nActors; ++k) {
                    address a = handler.actors(k);
                    if (shares.delegates(id, a) == d) expected += shares.balanceOf(a, id);
                }
                assertEq(shares.getVotes(id, d), expected, "delegate votes");
                sum += shares.getVotes(id, d);
            }
            assertEq(sum, shares.totalSupply(id), "votes == supply");
        }
    }

    /// (d) Past votes at registered snapshots never change (other past timepoints cannot be read).
    function invariant_pastVotesImmutable() public view {
        uint256 n = handler.snapshotCount();
        for (uint256 i; i < n; ++i) {
            ModelSharesHandler.VoteSnapshot memory s = handler.snapshot(i);
            if (s.blockNumber >= block.number) continue;
            assertEq(shares.getPastVotes(s.id, s.account, s.blockNumber), s.votes, "past votes changed");
        }
    }
}
