// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IModelShares} from "../../interfaces/IModelShares.sol";
import {AccountWord} from "../libraries/AccountWord.sol";
import {ShareAccounts} from "./ShareAccounts.sol";

/// @title ModelFeePool
/// @notice The per-model fee pool of ModelShares: deposits in the deployment's single payment ERC-20, paid pro rata
///         to whoever held the shares when the fees arrived, claimed by pull payments.
/// @dev The "magnified dividend per share" scheme: `IdHead.magnifiedPerShare` grows on every deposit and each
///      (id, account) keeps a signed correction in its {AccountWord}, adjusted by {_correctFees} on every balance
///      change, such that `magnifiedPerShare * balance + correction` is the account's magnified entitlement, which a
///      transfer never changes. Fee-on-transfer and rebasing payment tokens are not supported.
///
///      Owns the payment token, the deposit totals and the claimed amounts; shares the accumulator and the
///      corrections through {ShareAccounts}. Its views are external here; its state-changing entry points are
///      internal ({_depositFees}, {_depositFeesUpTo}, {_claim}, {_claimMany}), declared externally and guarded
///      against reentrancy by the composing contract, which also calls {_correctFees} from its `_update`.
abstract contract ModelFeePool is ShareAccounts {
    using SafeERC20 for IERC20;

    /// @notice Fixed-point magnitude of the fee-per-share accumulator.
    uint256 public constant MAGNITUDE = 2 ** 96;
    /// @notice Largest share supply of one model (< MAGNITUDE, which keeps the carry below one base unit).
    uint256 public constant MAX_SUPPLY = 2 ** 96 - 1;
    /// @notice Largest cumulative fee amount one model may ever receive. With MAGNITUDE it bounds every magnified
    ///         quantity (accumulator * supply, entitlements, corrections) by `MAX_CUMULATIVE_FEES * MAGNITUDE < 2**196`,
    ///         so the accumulator fits in uint208 and each correction in int200.
    uint256 public constant MAX_CUMULATIVE_FEES = 2 ** 100 - 1;

    /// @dev Written by deposits only (the accumulator, read by every transfer, is in `IdHead`).
    struct FeeTotals {
        uint96 carry; // < supply <= MAX_SUPPLY < 2**96
        uint112 totalDeposited; // <= MAX_CUMULATIVE_FEES < 2**100
    }

    IERC20 private immutable _paymentToken;

    mapping(uint256 id => FeeTotals) private _totals;
    mapping(uint256 id => mapping(address account => uint256)) private _claimed;

    /// @param paymentToken_ The single ERC-20 in which fees are paid (no fee-on-transfer / rebasing tokens).
    constructor(IERC20 paymentToken_) {
        if (address(paymentToken_) == address(0)) revert ModelSharesInvalidPaymentToken();
        _paymentToken = paymentToken_;
    }

    /// @inheritdoc IModelShares
    function paymentToken() external view returns (IERC20) {
        return _paymentToken;
    }

    /// @inheritdoc IModelShares
    function claimable(uint256 id, address account) public view returns (uint256) {
        return _accumulated(id, account) - _claimed[id][account];
    }

    /// @inheritdoc IModelShares
    function claimed(uint256 id, address account) external view returns (uint256) {
        return _claimed[id][account];
    }

    /// @inheritdoc IModelShares
    function feePool(uint256 id) external view returns (uint256 totalDeposited, uint256 carry) {
        FeeTotals storage totals = _totals[id];
        return (totals.totalDeposited, totals.carry);
    }

    /// @dev {IModelShares-depositFees}: books `amount` into the pool of `id` and pulls it from the caller, or reverts.
    function _depositFees(uint256 id, uint256 amount) internal {
        if (amount == 0) revert ModelSharesZeroAmount();
        uint256 cumulative = _totals[id].totalDeposited + amount;
        if (cumulative > MAX_CUMULATIVE_FEES) revert ModelSharesFeeCapExceeded(id, cumulative, MAX_CUMULATIVE_FEES);
        _book(id, amount);
    }

    /// @dev {IModelShares-depositFeesUpTo}: books as much of `amount` as the cap leaves room for.
    function _depositFeesUpTo(uint256 id, uint256 amount) internal returns (uint256 accepted) {
        uint256 room = MAX_CUMULATIVE_FEES - _totals[id].totalDeposited;
        accepted = amount < room ? amount : room;
        if (accepted != 0) _book(id, accepted);
    }

    /// @dev {IModelShares-claim}: pays `msg.sender` what it can claim on `id` (effects before the transfer).
    function _claim(uint256 id) internal returns (uint256 amount) {
        amount = _settleClaim(id, msg.sender);
        if (amount != 0) _paymentToken.safeTransfer(msg.sender, amount);
    }

    /// @dev {IModelShares-claimMany}: books every claim of `msg.sender`, then pays the total in one transfer.
    function _claimMany(uint256[] calldata ids) internal returns (uint256 total) {
        for (uint256 i; i < ids.length; ++i) {
            total += _settleClaim(ids[i], msg.sender);
        }
        if (total != 0) _paymentToken.safeTransfer(msg.sender, total);
    }

    /// @dev Books `amount` (> 0, within the cap) into the pool of `id` and pulls it from the caller.
    function _book(uint256 id, uint256 amount) private {
        uint256 supply = totalSupply(id);
        if (supply == 0) revert ModelSharesUnknownModel(id);
        FeeTotals storage totals = _totals[id];
        uint256 cumulative = totals.totalDeposited + amount;
        // amount <= MAX_CUMULATIVE_FEES < 2**100, so amount * 2**96 + carry < 2**197 cannot overflow.
        uint256 magnified = amount * MAGNITUDE + totals.carry;
        // supply * magnifiedPerShare + carry == totalDeposited * MAGNITUDE after every deposit, so the accumulator
        // stays <= MAX_CUMULATIVE_FEES * MAGNITUDE < 2**196 and fits uint208; carry < supply <= MAX_SUPPLY < 2**96;
        // cumulative <= MAX_CUMULATIVE_FEES < 2**100 fits uint112.
        // forge-lint: disable-next-line(unsafe-typecast)
        _heads[id].magnifiedPerShare += uint208(magnified / supply);
        // forge-lint: disable-next-line(unsafe-typecast)
        totals.carry = uint96(magnified % supply);
        // forge-lint: disable-next-line(unsafe-typecast)
        totals.totalDeposited = uint112(cumulative);
        emit FeesDeposited(id, msg.sender, amount);
        _paymentToken.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @dev Books the claim of `account` on `id` (effects only) and returns the amount owed.
    function _settleClaim(uint256 id, address account) private returns (uint256 amount) {
        uint256 already = _claimed[id][account];
        amount = _accumulated(id, account) - already;
        if (amount != 0) {
            _claimed[id][account] = already + amount;
            emit FeesClaimed(id, account, amount);
        }
    }

    /// @dev Total fees of `id` ever earned by `account` (claimed or not), rounded down.
    function _accumulated(uint256 id, address account) private view returns (uint256) {
        // magnifiedPerShare * balance <= magnifiedPerShare * supply < 2**196 (see MAX_CUMULATIVE_FEES): the cast is lossless.
        // forge-lint: disable-next-line(unsafe-typecast)
        int256 magnified = int256(uint256(_heads[id].magnifiedPerShare) * balanceOf(account, id)) +
            _accounts[id][account].word.correction();
        // The entitlement is non-negative by construction: corrections only ever offset, at the accumulator value of
        // the moment, shares that moved in or out, so the sum is the (non-negative) magnified fees earned.
        // forge-lint: disable-next-line(unsafe-typecast)
        return uint256(magnified) / MAGNITUDE;
    }

    /// @dev Hook for `_update`: the word `w` of an account that sends (`out`) or receives `m.value` of `m.id`, with
    ///      its fee correction offset so that the move leaves the account's entitlement unchanged. The caller stores
    ///      the result.
    function _correctFees(AccountWord w, Move memory m, bool out) internal pure returns (AccountWord) {
        if (m.magnifiedPerShare == 0) return w;
        // Unchecked: magnifiedPerShare * value <= magnifiedPerShare * supply < 2**196 (see MAX_CUMULATIVE_FEES),
        // no overflow. The correction arithmetic is modulo 2**200, i.e. exact int200 arithmetic, and the result is
        // again an entitlement minus magnifiedPerShare * balance, within +-2**196: it never leaves the int200 range.
        unchecked {
            uint256 delta = m.magnifiedPerShare * m.value;
            return out ? w.withCorrectionAdded(delta) : w.withCorrectionSubtracted(delta);
        }
    }
}
