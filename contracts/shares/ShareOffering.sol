// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ERC1155Holder} from "@openzeppelin/contracts/token/ERC1155/utils/ERC1155Holder.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IShareOffering} from "../interfaces/IShareOffering.sol";
import {IModelShares} from "../interfaces/IModelShares.sol";
import {ModelShares} from "./ModelShares.sol";

/// @title ShareOffering
/// @notice Fixed-price sales of model shares. See {IShareOffering} for the one-active-offering-per-model design.
contract ShareOffering is IShareOffering, ERC1155Holder, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice The shares being sold.
    ModelShares public immutable shares;
    /// @notice The payment token (`shares.paymentToken()`).
    IERC20 public immutable paymentToken;

    uint256 private _offeringCount;
    mapping(uint256 offeringId => Offering) private _offerings;
    mapping(uint256 modelId => uint256 offeringId) private _active;
    mapping(address seller => uint256) private _sellerFees;

    /// @param shares_ The ModelShares deployment whose shares are sold.
    constructor(ModelShares shares_) {
        if (address(shares_) == address(0)) revert ShareOfferingZeroAddress();
        shares = shares_;
        paymentToken = shares_.paymentToken();
    }

    /// @inheritdoc IShareOffering
    function createOffering(uint256 modelId, uint256 amount, uint256 pricePerShare, uint48 start, uint48 end)
        external
        nonReentrant
        returns (uint256 offeringId)
    {
        if (amount == 0) revert ShareOfferingZeroAmount();
        if (amount > type(uint128).max) revert ShareOfferingAmountTooLarge(amount);
        if (pricePerShare == 0 || pricePerShare > type(uint128).max) revert ShareOfferingInvalidPrice(pricePerShare);
        if (end != 0 && (end <= start || end <= block.timestamp)) revert ShareOfferingInvalidWindow(start, end);
        uint256 current = _active[modelId];
        if (current != 0) revert ShareOfferingAlreadyActive(modelId, current);

        offeringId = ++_offeringCount;
        _offerings[offeringId] = Offering({
            seller: msg.sender,
            start: start,
            end: end,
            modelId: modelId,
            // Both bounded by type(uint128).max above.
            // forge-lint: disable-next-line(unsafe-typecast)
            remaining: uint128(amount),
            // forge-lint: disable-next-line(unsafe-typecast)
            pricePerShare: uint128(pricePerShare),
            cancelled: false
        });
        _active[modelId] = offeringId;
        emit OfferingCreated(offeringId, modelId, msg.sender, amount, pricePerShare, start, end);
        // No harvest needed: without an active offering this contract held none of `modelId`, so it earned nothing.
        shares.safeTransferFrom(msg.sender, address(this), modelId, amount, "");
    }

    /// @inheritdoc IShareOffering
    function buy(uint256 offeringId, uint256 amount, uint256 maxTotalPrice) external nonReentrant {
        Offering storage o = _offerings[offeringId];
        uint256 remaining = o.remaining;
        if (remaining == 0) revert ShareOfferingNotActive(offeringId);
        if (block.timestamp < o.start) revert ShareOfferingNotStarted(offeringId, o.start);
        uint48 end = o.end;
        if (end != 0 && block.timestamp >= end) revert ShareOfferingEnded(offeringId, end);
        if (amount == 0) revert ShareOfferingZeroAmount();
        if (amount > remaining) revert ShareOfferingInsufficientShares(offeringId, amount, remaining);
        // amount <= remaining < 2**128 and price < 2**128, so the product fits in uint256.
        uint256 cost = amount * o.pricePerShare;
        if (cost > maxTotalPrice) revert ShareOfferingPriceExceedsMax(cost, maxTotalPrice);

        uint256 modelId = o.modelId;
        address seller = o.seller;
        _harvest(modelId, offeringId, seller);
        unchecked {
            // amount <= remaining (< 2**128) was checked above, so neither underflow nor truncation is possible.
            // forge-lint: disable-next-line(unsafe-typecast)
            o.remaining = uint128(remaining - amount);
        }
        if (remaining == amount) delete _active[modelId];
        emit SharesBought(offeringId, msg.sender, amount, cost);
        paymentToken.safeTransferFrom(msg.sender, seller, cost);
        shares.safeTransferFrom(address(this), msg.sender, modelId, amount, "");
    }

    /// @inheritdoc IShareOffering
    function cancel(uint256 offeringId) external nonReentrant {
        Offering storage o = _offerings[offeringId];
        uint256 remaining = o.remaining;
        if (remaining == 0) revert ShareOfferingNotActive(offeringId);
        address seller = o.seller;
        if (msg.sender != seller) revert ShareOfferingUnauthorized(offeringId, msg.sender);
        _close(o, offeringId, seller);
        o.cancelled = true;
        emit OfferingCancelled(offeringId, remaining);
        shares.safeTransferFrom(address(this), seller, o.modelId, remaining, "");
    }

    /// @inheritdoc IShareOffering
    function withdrawUnsold(uint256 offeringId) external nonReentrant {
        Offering storage o = _offerings[offeringId];
        uint256 remaining = o.remaining;
        if (remaining == 0) revert ShareOfferingNotActive(offeringId);
        uint48 end = o.end;
        if (end == 0 || block.timestamp < end) revert ShareOfferingNotEnded(offeringId, end);
        address seller = o.seller;
        _close(o, offeringId, seller);
        emit UnsoldWithdrawn(offeringId, remaining);
        shares.safeTransferFrom(address(this), seller, o.modelId, remaining, "");
    }

    /// @inheritdoc IShareOffering
    function harvestFees(uint256 modelId) external nonReentrant returns (uint256 amount) {
        uint256 offeringId = _active[modelId];
        if (offeringId == 0) return 0;
        return _harvest(modelId, offeringId, _offerings[offeringId].seller);
    }

    /// @inheritdoc IShareOffering
    function withdrawFees() external nonReentrant returns (uint256 amount) {
        amount = _sellerFees[msg.sender];
        if (amount == 0) return 0;
        _sellerFees[msg.sender] = 0;
        emit SellerFeesWithdrawn(msg.sender, amount);
        paymentToken.safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IShareOffering
    function sellerFees(address seller) external view returns (uint256) {
        return _sellerFees[seller];
    }

    /// @inheritdoc IShareOffering
    function activeOffering(uint256 modelId) external view returns (uint256) {
        return _active[modelId];
    }

    /// @inheritdoc IShareOffering
    function offeringCount() external view returns (uint256) {
        return _offeringCount;
    }

    /// @inheritdoc IShareOffering
    function getOffering(uint256 offeringId) external view returns (Offering memory) {
        return _offerings[offeringId];
    }

    /// @notice Accepts only shares of `shares` that this contract pulls itself (operator == this).
    /// @dev Any other ERC-1155 arrival reverts, keeping balance(id) == active offering's `remaining`.
    /// @return The ERC-1155 acceptance selector.
    function onERC1155Received(address operator, address, uint256, uint256, bytes memory)
        public
        view
        override
        returns (bytes4)
    {
        if (msg.sender != address(shares) || operator != address(this)) {
            revert ShareOfferingUnexpectedTransfer(msg.sender, operator);
        }
        return this.onERC1155Received.selector;
    }

    /// @notice Rejects every batch transfer: offerings never pull batches.
    function onERC1155BatchReceived(address operator, address, uint256[] memory, uint256[] memory, bytes memory)
        public
        view
        override
        returns (bytes4)
    {
        revert ShareOfferingUnexpectedTransfer(msg.sender, operator);
    }

    /// @dev Harvests, then marks the offering empty and frees the model id (effects before the share transfer).
    function _close(Offering storage o, uint256 offeringId, address seller) private {
        uint256 modelId = o.modelId;
        _harvest(modelId, offeringId, seller);
        o.remaining = 0;
        delete _active[modelId];
    }

    /// @dev Claims this contract's fees of `modelId` (all earned by the active offering's shares) for `seller`.
    function _harvest(uint256 modelId, uint256 offeringId, address seller) private returns (uint256 amount) {
        amount = IModelShares(address(shares)).claim(modelId);
        if (amount != 0) {
            _sellerFees[seller] += amount;
            emit SellerFeesCredited(offeringId, seller, amount);
        }
    }
}
