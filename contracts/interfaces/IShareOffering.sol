// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IShareOffering
/// @notice Fixed-price primary sales of model shares for the payment token of a {ModelShares} deployment.
/// @dev LIMITATION: at most one offering per model id is active (holds shares) at any time in this contract. That
///      makes the fees accruing to the escrowed shares unambiguous: before every balance change of an id (create,
///      buy, cancel, withdrawUnsold) and on `harvestFees`, the contract claims the id's fees from ModelShares and
///      credits them to the active offering's seller (`sellerFees`, pulled with `withdrawFees`). The contract
///      only accepts shares it pulls itself, so its balance of an id always equals the active offering's
///      `remaining`. Escrowed shares are implicitly self-delegated to this contract, so they do not vote.
///      Sale proceeds go directly from the buyer to the seller in the same transaction.
interface IShareOffering {
    /// @notice Public view of an offering.
    struct Offering {
        address seller;
        uint48 start;
        uint48 end;
        uint256 modelId;
        uint128 remaining;
        uint128 pricePerShare;
        bool cancelled;
    }

    /// @notice An offering was opened and `amount` shares escrowed.
    event OfferingCreated(
        uint256 indexed offeringId,
        uint256 indexed modelId,
        address indexed seller,
        uint256 amount,
        uint256 pricePerShare,
        uint48 start,
        uint48 end
    );
    /// @notice `buyer` bought `amount` shares for `cost`, paid to the seller.
    event SharesBought(uint256 indexed offeringId, address indexed buyer, uint256 amount, uint256 cost);
    /// @notice The seller cancelled; `returned` unsold shares went back to them.
    event OfferingCancelled(uint256 indexed offeringId, uint256 returned);
    /// @notice Unsold shares went back to the seller after the end.
    event UnsoldWithdrawn(uint256 indexed offeringId, uint256 amount);
    /// @notice Fees earned by escrowed shares were credited to `seller`.
    event SellerFeesCredited(uint256 indexed offeringId, address indexed seller, uint256 amount);
    /// @notice `seller` pulled `amount` of credited fees.
    event SellerFeesWithdrawn(address indexed seller, uint256 amount);

    /// @notice Zero amount.
    error ShareOfferingZeroAmount();
    /// @notice Price zero or above 2**128 - 1.
    error ShareOfferingInvalidPrice(uint256 pricePerShare);
    /// @notice Amount above 2**128 - 1.
    error ShareOfferingAmountTooLarge(uint256 amount);
    /// @notice `end` is not after both `start` and now.
    error ShareOfferingInvalidWindow(uint48 start, uint48 end);
    /// @notice The model already has an active offering.
    error ShareOfferingAlreadyActive(uint256 modelId, uint256 offeringId);
    /// @notice The offering is unknown, sold out, cancelled or withdrawn.
    error ShareOfferingNotActive(uint256 offeringId);
    /// @notice The offering has not started yet.
    error ShareOfferingNotStarted(uint256 offeringId, uint48 start);
    /// @notice The offering has ended.
    error ShareOfferingEnded(uint256 offeringId, uint48 end);
    /// @notice The offering has no end or has not reached it.
    error ShareOfferingNotEnded(uint256 offeringId, uint48 end);
    /// @notice Fewer shares left than requested.
    error ShareOfferingInsufficientShares(uint256 offeringId, uint256 requested, uint256 remaining);
    /// @notice The cost exceeds the buyer's limit.
    error ShareOfferingPriceExceedsMax(uint256 cost, uint256 maxTotalPrice);
    /// @notice Only the seller may do this.
    error ShareOfferingUnauthorized(uint256 offeringId, address caller);
    /// @notice Shares arrived that this contract did not pull itself.
    error ShareOfferingUnexpectedTransfer(address token, address operator);
    /// @notice The shares contract was the zero address.
    error ShareOfferingZeroAddress();

    /// @notice Opens an offering of `amount` shares of `modelId` at `pricePerShare` payment-token units per share,
    ///         pulling the shares from the caller (needs `setApprovalForAll`).
    /// @param modelId Model id; must have no active offering.
    /// @param amount Shares to sell, 1..2**128-1.
    /// @param pricePerShare Price per share in payment-token base units, 1..2**128-1.
    /// @param start Unix time from which buying is allowed (0 = immediately).
    /// @param end Unix time from which buying is no longer allowed (0 = no end); must be after start and now.
    /// @return offeringId The new offering id (sequential from 1).
    function createOffering(uint256 modelId, uint256 amount, uint256 pricePerShare, uint48 start, uint48 end)
        external
        returns (uint256 offeringId);

    /// @notice Buys `amount` shares; `amount * pricePerShare` is transferred from the caller to the seller
    ///         (allowance to this contract required) and the shares to the caller.
    /// @param offeringId Offering id.
    /// @param amount Shares to buy, up to what is left.
    /// @param maxTotalPrice Most the caller is willing to pay in total.
    function buy(uint256 offeringId, uint256 amount, uint256 maxTotalPrice) external;

    /// @notice Closes the offering and returns the unsold shares to the seller at once. Seller only.
    /// @param offeringId Offering id.
    function cancel(uint256 offeringId) external;

    /// @notice After the end, returns unsold shares to the seller. Anyone may call it, so an expired offering can
    ///         never block the model id. (Cancel already returns unsold shares.)
    /// @param offeringId Offering id.
    function withdrawUnsold(uint256 offeringId) external;

    /// @notice Claims the fees earned by the shares escrowed for `modelId` and credits them to the active seller.
    /// @param modelId Model id.
    /// @return amount Amount credited (0 if no active offering or no fees).
    function harvestFees(uint256 modelId) external returns (uint256 amount);

    /// @notice Pays the caller's credited fees to the caller.
    /// @return amount Amount paid (0 if none).
    function withdrawFees() external returns (uint256 amount);

    /// @notice Fees credited to `seller` and not yet withdrawn.
    function sellerFees(address seller) external view returns (uint256);

    /// @notice The offering currently holding shares of `modelId` (0 if none).
    function activeOffering(uint256 modelId) external view returns (uint256);

    /// @notice Number of offerings created so far.
    function offeringCount() external view returns (uint256);

    /// @notice Full record of an offering.
    function getOffering(uint256 offeringId) external view returns (Offering memory);
}
