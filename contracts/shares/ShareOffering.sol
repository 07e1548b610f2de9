// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ERC1155Holder} from "@openzeppelin/contracts/token/ERC1155/utils/ERC1155Holder.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IShareOffering} from "../interfaces/IShareOffering.sol";
import {IModelShares} from "../interfaces/IModelShares.sol";
import {ModelShares} from "./ModelShares.sol";

/// @title ShareOffering
/// @notice A fixed-price market for model shares: many offerings per model, by any holder, each with its own price,
///         payment token and window; resales pay the model's ERC-2981 royalty. See {IShareOffering}.
contract ShareOffering is IShareOffering, ERC1155Holder, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice Fixed-point magnitude of the per-share fee accumulator.
    uint256 private constant MAGNITUDE = 2 ** 64;

    /// @notice The shares being sold.
    ModelShares public immutable shares;
    /// @notice The token fees are paid in (`shares.paymentToken()`): what `sellerFees` are counted in.
    IERC20 public immutable feeToken;

    uint256 private _offeringCount;
    mapping(uint256 offeringId => Offering) private _offerings;
    /// @dev The accumulator value at the offering's last fee settlement.
    mapping(uint256 offeringId => uint256) private _feeSnapshot;
    mapping(uint256 modelId => uint256) private _escrowed;
    /// @dev Fees per escrowed share, times MAGNITUDE, since deployment.
    mapping(uint256 modelId => uint256) private _feePerShare;
    /// @dev The part of the last harvests (times MAGNITUDE) too small to spread over the escrowed shares yet.
    mapping(uint256 modelId => uint256) private _feeCarry;
    mapping(address seller => uint256) private _sellerFees;

    /// @param shares_ The ModelShares deployment whose shares are sold.
    constructor(ModelShares shares_) {
        if (address(shares_) == address(0)) revert ShareOfferingZeroAddress();
        shares = shares_;
        feeToken = shares_.paymentToken();
    }

    /// @inheritdoc IShareOffering
    function createOffering(
        uint256 modelId,
        uint256 amount,
        uint256 pricePerShare,
        IERC20 paymentToken,
        uint48 start,
        uint48 end
    ) external nonReentrant returns (uint256 offeringId) {
        if (amount == 0) revert ShareOfferingZeroAmount();
        if (amount > type(uint128).max) revert ShareOfferingAmountTooLarge(amount);
        if (pricePerShare == 0 || pricePerShare > type(uint128).max) revert ShareOfferingInvalidPrice(pricePerShare);
        if (address(paymentToken) == address(0)) revert ShareOfferingInvalidPaymentToken(address(paymentToken));
        if (end != 0 && (end <= start || end <= block.timestamp)) revert ShareOfferingInvalidWindow(start, end);

        // Fees earned so far belong to the offerings already open: spread them before this one's shares arrive.
        _harvest(modelId);
        offeringId = ++_offeringCount;
        _offerings[offeringId] = Offering({
            seller: msg.sender,
            start: start,
            end: end,
            cancelled: false,
            paymentToken: paymentToken,
            modelId: modelId,
            // Both bounded by type(uint128).max above.
            // forge-lint: disable-next-line(unsafe-typecast)
            remaining: uint128(amount),
            // forge-lint: disable-next-line(unsafe-typecast)
            pricePerShare: uint128(pricePerShare)
        });
        _feeSnapshot[offeringId] = _feePerShare[modelId];
        _escrowed[modelId] += amount;
        emit OfferingCreated(offeringId, modelId, msg.sender, paymentToken, amount, pricePerShare, start, end);
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
        (address receiver, uint256 royalty) = shares.royaltyInfo(modelId, cost);
        // The creator's own sale (or a model without a receiver) pays no royalty; ERC-2981 keeps it within the cost.
        if (receiver == seller || receiver == address(0)) royalty = 0;
        _harvest(modelId);
        _settle(offeringId, o);
        unchecked {
            // amount <= remaining (< 2**128) was checked above, so neither underflow nor truncation is possible.
            // forge-lint: disable-next-line(unsafe-typecast)
            o.remaining = uint128(remaining - amount);
            _escrowed[modelId] -= amount;
        }
        emit SharesBought(offeringId, msg.sender, amount, cost, receiver, royalty);
        IERC20 token = o.paymentToken;
        if (royalty != 0) token.safeTransferFrom(msg.sender, receiver, royalty);
        token.safeTransferFrom(msg.sender, seller, cost - royalty);
        shares.safeTransferFrom(address(this), msg.sender, modelId, amount, "");
    }

    /// @inheritdoc IShareOffering
    function cancel(uint256 offeringId) external nonReentrant {
        Offering storage o = _offerings[offeringId];
        uint256 remaining = o.remaining;
        if (remaining == 0) revert ShareOfferingNotActive(offeringId);
        address seller = o.seller;
        if (msg.sender != seller) revert ShareOfferingUnauthorized(offeringId, msg.sender);
        _close(offeringId, o, remaining);
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
        _close(offeringId, o, remaining);
        emit UnsoldWithdrawn(offeringId, remaining);
        shares.safeTransferFrom(address(this), o.seller, o.modelId, remaining, "");
    }

    /// @inheritdoc IShareOffering
    function harvestFees(uint256 modelId) external nonReentrant returns (uint256 amount) {
        return _harvest(modelId);
    }

    /// @inheritdoc IShareOffering
    function settleFees(uint256 offeringId) external nonReentrant returns (uint256 amount) {
        Offering storage o = _offerings[offeringId];
        if (o.remaining == 0) return 0;
        _harvest(o.modelId);
        return _settle(offeringId, o);
    }

    /// @inheritdoc IShareOffering
    function withdrawFees() external nonReentrant returns (uint256 amount) {
        amount = _sellerFees[msg.sender];
        if (amount == 0) return 0;
        _sellerFees[msg.sender] = 0;
        emit SellerFeesWithdrawn(msg.sender, amount);
        feeToken.safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IShareOffering
    function sellerFees(address seller) external view returns (uint256) {
        return _sellerFees[seller];
    }

    /// @inheritdoc IShareOffering
    function escrowed(uint256 modelId) external view returns (uint256) {
        return _escrowed[modelId];
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
    /// @dev Any other ERC-1155 arrival reverts, keeping balance(id) == escrowed(id).
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

    /// @dev Harvests and settles, then empties the offering (effects before the share transfer).
    function _close(uint256 offeringId, Offering storage o, uint256 remaining) private {
        uint256 modelId = o.modelId;
        _harvest(modelId);
        _settle(offeringId, o);
        o.remaining = 0;
        _escrowed[modelId] -= remaining;
    }

    /// @dev Claims this contract's fees of `modelId` and spreads them over its escrowed shares.
    function _harvest(uint256 modelId) private returns (uint256 amount) {
        amount = IModelShares(address(shares)).claim(modelId);
        if (amount == 0) return 0;
        uint256 held = _escrowed[modelId];
        uint256 scaled = amount * MAGNITUDE + _feeCarry[modelId];
        // Fees only accrue to shares held, and every balance change harvests first, so `held` is non-zero here;
        // if not, the amount waits in the carry for the next offering.
        if (held == 0) {
            _feeCarry[modelId] = scaled;
            return amount;
        }
        _feePerShare[modelId] += scaled / held;
        _feeCarry[modelId] = scaled % held;
    }

    /// @dev Credits the seller with what the offering's escrowed shares earned since its last settlement.
    function _settle(uint256 offeringId, Offering storage o) private returns (uint256 amount) {
        uint256 perShare = _feePerShare[o.modelId];
        amount = Math.mulDiv(o.remaining, perShare - _feeSnapshot[offeringId], MAGNITUDE);
        _feeSnapshot[offeringId] = perShare;
        if (amount != 0) {
            address seller = o.seller;
            _sellerFees[seller] += amount;
            emit SellerFeesCredited(offeringId, seller, amount);
        }
    }
}
