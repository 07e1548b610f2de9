// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC5805} from "@openzeppelin/contracts/interfaces/IERC5805.sol";
import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {IModelShares} from "../interfaces/IModelShares.sol";

/// @title ModelVotes
/// @notice The votes of one model, as the `IVotes` token a stock OpenZeppelin `GovernorVotes` reads: a stateless view
///         over ModelShares' per-id votes. Deployed once as an implementation; each model's DAO is a clone whose
///         immutable argument is the model id.
/// @dev Quorum counts only shares that can vote: the shares escrowed in the ShareOffering contract (on sale) cannot
///      vote, so they are taken out of the past total supply. Their sellers vote them again once sold or withdrawn.
contract ModelVotes is IERC5805 {
    /// @notice The share contract whose votes this reads.
    IModelShares public immutable shares;
    /// @notice A holder whose shares can never vote (the ShareOffering escrow), excluded from the supply; may be zero.
    address public immutable nonVotingHolder;

    /// @dev Delegation is per model on ModelShares itself (`delegate(id, to)`), not through this view.
    error ModelVotesDelegateOnShares(uint256 modelId);

    /// @param shares_ The ModelShares deployment.
    /// @param nonVotingHolder_ The ShareOffering deployment (its escrowed shares cannot vote), or zero.
    constructor(IModelShares shares_, address nonVotingHolder_) {
        shares = shares_;
        nonVotingHolder = nonVotingHolder_;
    }

    /// @notice The model id this clone reads (its immutable clone argument).
    function modelId() public view returns (uint256) {
        return abi.decode(Clones.fetchCloneArgs(address(this)), (uint256));
    }

    /// @notice The clock of ModelShares: block numbers.
    function clock() external view returns (uint48) {
        return shares.clock();
    }

    /// @notice The clock mode of ModelShares.
    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() external view returns (string memory) {
        return shares.CLOCK_MODE();
    }

    /// @notice Current votes of `account` for this model.
    function getVotes(address account) external view returns (uint256) {
        return shares.getVotes(modelId(), account);
    }

    /// @notice Votes of `account` at the registered snapshot `timepoint`.
    function getPastVotes(address account, uint256 timepoint) external view returns (uint256) {
        return shares.getPastVotes(modelId(), account, timepoint);
    }

    /// @notice Shares that could vote at the registered snapshot `timepoint`: the supply less the shares on sale.
    function getPastTotalSupply(uint256 timepoint) external view returns (uint256) {
        uint256 id = modelId();
        uint256 supply = shares.getPastTotalSupply(id, timepoint);
        if (nonVotingHolder == address(0) || supply == 0) return supply;
        return supply - shares.getPastVotes(id, nonVotingHolder, timepoint);
    }

    /// @notice The delegate of `account` for this model.
    function delegates(address account) external view returns (address) {
        return shares.delegates(modelId(), account);
    }

    /// @notice Not supported here: call `ModelShares.delegate(modelId, to)`.
    function delegate(address) external view {
        revert ModelVotesDelegateOnShares(modelId());
    }

    /// @notice Not supported here: call `ModelShares.delegate(modelId, to)`.
    function delegateBySig(address, uint256, uint256, uint8, bytes32, bytes32) external view {
        revert ModelVotesDelegateOnShares(modelId());
    }
}
