// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {DaoFactory} from "./DaoFactory.sol";

/// @title DatasetRegistry
/// @notice Per model, the datasets included for the next training run. Only the model's timelock (a passed
///         proposal of its DAO) includes or removes one; every change is kept in an on-chain history.
contract DatasetRegistry {
    /// @notice A dataset as proposed to a model's DAO.
    struct Dataset {
        string cid; // IPFS CID of the data
        string name;
        string license; // SPDX identifier or free text
        uint64 sizeBytes;
        string descriptionCid; // IPFS CID of a longer description (may be empty)
    }

    /// @notice One change of a model's dataset list.
    struct Change {
        bool included; // false: removed
        uint48 blockNumber;
        string cid;
    }

    /// @notice The DAOs whose timelocks may change the lists.
    DaoFactory public immutable daos;

    mapping(uint256 modelId => Dataset[]) private _datasets;
    mapping(uint256 modelId => mapping(bytes32 cidHash => uint256 indexPlusOne)) private _position;
    mapping(uint256 modelId => Change[]) private _history;

    /// @notice `cid` was included in the datasets of `modelId`.
    event DatasetIncluded(
        uint256 indexed modelId, string cid, string name, string license, uint64 sizeBytes, string descriptionCid
    );
    /// @notice `cid` was removed from the datasets of `modelId`.
    event DatasetRemoved(uint256 indexed modelId, string cid);

    /// @dev Only the model's timelock changes its datasets.
    error DatasetRegistryUnauthorized(uint256 modelId, address caller);
    /// @dev The dataset is already included.
    error DatasetRegistryAlreadyIncluded(uint256 modelId, string cid);
    /// @dev The dataset is not included.
    error DatasetRegistryNotIncluded(uint256 modelId, string cid);
    /// @dev A dataset needs a CID and a name.
    error DatasetRegistryInvalidDataset();

    /// @param daos_ The DaoFactory.
    constructor(DaoFactory daos_) {
        daos = daos_;
    }

    modifier onlyTimelock(uint256 modelId) {
        address timelock = daos.timelockOf(modelId);
        if (timelock == address(0) || msg.sender != timelock) revert DatasetRegistryUnauthorized(modelId, msg.sender);
        _;
    }

    /// @notice Includes `dataset` in the next version of `modelId`. The model's timelock only.
    /// @param modelId The model.
    /// @param dataset The dataset; `cid` and `name` must not be empty.
    function include(uint256 modelId, Dataset calldata dataset) external onlyTimelock(modelId) {
        if (bytes(dataset.cid).length == 0 || bytes(dataset.name).length == 0) revert DatasetRegistryInvalidDataset();
        bytes32 key = keccak256(bytes(dataset.cid));
        if (_position[modelId][key] != 0) revert DatasetRegistryAlreadyIncluded(modelId, dataset.cid);
        _datasets[modelId].push(dataset);
        _position[modelId][key] = _datasets[modelId].length;
        _history[modelId].push(Change({included: true, blockNumber: uint48(block.number), cid: dataset.cid}));
        emit DatasetIncluded(
            modelId, dataset.cid, dataset.name, dataset.license, dataset.sizeBytes, dataset.descriptionCid
        );
    }

    /// @notice Removes the dataset `cid` from `modelId`. The model's timelock only.
    /// @param modelId The model.
    /// @param cid The dataset's CID.
    function remove(uint256 modelId, string calldata cid) external onlyTimelock(modelId) {
        bytes32 key = keccak256(bytes(cid));
        uint256 position = _position[modelId][key];
        if (position == 0) revert DatasetRegistryNotIncluded(modelId, cid);
        Dataset[] storage list = _datasets[modelId];
        uint256 last = list.length;
        if (position != last) {
            list[position - 1] = list[last - 1];
            _position[modelId][keccak256(bytes(list[position - 1].cid))] = position;
        }
        list.pop();
        delete _position[modelId][key];
        _history[modelId].push(Change({included: false, blockNumber: uint48(block.number), cid: cid}));
        emit DatasetRemoved(modelId, cid);
    }

    /// @notice The datasets currently included for `modelId` (order not meaningful).
    function datasets(uint256 modelId) external view returns (Dataset[] memory) {
        return _datasets[modelId];
    }

    /// @notice Whether `cid` is included for `modelId`.
    function isIncluded(uint256 modelId, string calldata cid) external view returns (bool) {
        return _position[modelId][keccak256(bytes(cid))] != 0;
    }

    /// @notice Every inclusion and removal of `modelId`, oldest first.
    function history(uint256 modelId) external view returns (Change[] memory) {
        return _history[modelId];
    }
}
