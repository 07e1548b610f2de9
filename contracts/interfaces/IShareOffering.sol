// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title IShareOffering
/// @notice A fixed-price market for model shares: any holder (the creator's primary sale and any holder's resale are
///         the same thing) escrows shares in an offering with its own price, payment token and window; buyers pay
///         the seller directly, and on a resale the model's ERC-2981 royalty goes to its receiver.
/// @dev Many offerings per model may be open at once, so no holder can block a model's market. Fees earned by
///      escrowed shares belong to their sellers: before every change of the contract's balance of a model the
///      contract claims that model's fees from ModelShares and spreads them over the escrowed shares with a
///      per-share accumulator; each offering's share is credited to its seller (`sellerFees`, in the fee token,
///      pulled with `withdrawFees`) whenever its `remaining` changes. The contract only accepts shares it pulls
///      itself, so its balance of a model always equals the sum of that model's open offerings' `remaining`.
///      Escrowed shares are self-delegated to this contract, so they do not vote. Payment tokens must transfer
///      exact amounts (no fee-on-transfer tokens).
interface IShareOffering {
    /// @notice Public view of an offering.
    struct Offering {
        address seller;
        uint48 start;
        uint48 end;
        bool cancelled;
        IERC20 paymentToken;
        uint256 modelId;
        uint128 remaining;
        uint128 pricePerShare;
    }

    /// @notice An offering was opened and `amount` shares escrowed.
    event OfferingCreated(
        uint256 indexed offeringId,
        uint256 indexed modelId,
        address indexed seller,
        IERC20 paymentToken,
        uint256 amount,
        uint256 pricePerShare,
        uint48 start,
        uint48 end
    );
    /// @notice `buyer` bought `amount` shares for `cost`: `cost - royalty` to the seller, `royalty` to `royaltyReceiver`.
    event SharesBought(
        uint256 indexed offeringId,
        address indexed buyer,
        uint256 amount,
        uint256 cost,
        address royaltyReceiver,
        uint256 royalty
    );
    /// @notice The seller cancelled; `returned` unsold shares went back to them.
    event OfferingCancelled(uint256 indexed offeringId, uint256 returned);
    /// @notice Unsold shares went back to the seller after the end.
    event UnsoldWithdrawn(uint256 indexed offeringId, uint256 amount);
    /// @notice Fees earned by an offering's escrowed shares were credited to `seller`.
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
    /// @notice The payment token is the zero address.
    error ShareOfferingInvalidPaymentToken(address token);
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

    /// @notice Opens an offering of `amount` shares of `modelId` at `pricePerShare` units of `paymentToken` per
    ///         share, pulling the shares from the caller (needs `setApprovalForAll`). Any holder may sell; a model
    ///         may have any number of open offerings.
    /// @param modelId Model id.
    /// @param amount Shares to sell, 1..2**128-1.
    /// @param pricePerShare Price per share in `paymentToken` base units, 1..2**128-1.
    /// @param paymentToken The ERC-20 the buyer pays in (exact-transfer tokens only).
    /// @param start Unix time from which buying is allowed (0 = immediately).
    /// @param end Unix time from which buying is no longer allowed (0 = open-ended: the seller can cancel at any
    ///        time); otherwise after both `start` and now.
    /// @return offeringId The new offering id (sequential from 1).
    function createOffering(
        uint256 modelId,
        uint256 amount,
        uint256 pricePerShare,
        IERC20 paymentToken,
        uint48 start,
        uint48 end
    ) external returns (uint256 offeringId);

    /// @notice Buys `amount` shares: `amount * pricePerShare` is paid from the caller (allowance to this contract
    ///         required) to the seller, minus the model's ERC-2981 royalty on it, paid to the royalty receiver
    ///         unless the seller is the receiver; the shares go to the caller.
    /// @param offeringId Offering id.
    /// @param amount Shares to buy, up to what is left.
    /// @param maxTotalPrice Most the caller is willing to pay in total.
    function buy(uint256 offeringId, uint256 amount, uint256 maxTotalPrice) external;

    /// @notice Closes the offering and returns the unsold shares to the seller at once. Seller only, at any time.
    /// @param offeringId Offering id.
    function cancel(uint256 offeringId) external;

    /// @notice After the end, returns unsold shares to the seller. Anyone may call it.
    /// @param offeringId Offering id.
    function withdrawUnsold(uint256 offeringId) external;

    /// @notice Claims the fees earned by the shares escrowed for `modelId` and spreads them over its open offerings
    ///         (credited to each seller when that offering next changes, or by `settleFees`).
    /// @param modelId Model id.
    /// @return amount Amount claimed from ModelShares.
    function harvestFees(uint256 modelId) external returns (uint256 amount);

    /// @notice Harvests the offering's model and credits what its escrowed shares earned to its seller.
    /// @param offeringId Offering id.
    /// @return amount Amount credited to the seller.
    function settleFees(uint256 offeringId) external returns (uint256 amount);

    /// @notice Pays the caller's credited fees (in the fee token of ModelShares) to the caller.
    /// @return amount Amount paid (0 if none).
    function withdrawFees() external returns (uint256 amount);

    /// @notice Fees credited to `seller` and not yet withdrawn.
    function sellerFees(address seller) external view returns (uint256);

    /// @notice Shares of `modelId` escrowed in open offerings.
    function escrowed(uint256 modelId) external view returns (uint256);

    /// @notice Number of offerings created so far.
    function offeringCount() external view returns (uint256);

    /// @notice Full record of an offering.
    function getOffering(uint256 offeringId) external view returns (Offering memory);
}
