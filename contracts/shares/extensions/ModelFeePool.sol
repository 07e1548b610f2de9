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
///      (id, account) keeps a signed correction in its {AccountWord}, adjusted by {_correctionDelta} on every balance
///      change, such that `magnifiedPerShare * balance + correction` is the account's magnified entitlement, which a
///      transfer never changes. Fee-on-transfer and rebasing payment tokens are not supported.
///
///      Owns the payment token, the deposit totals and the claimed amounts; shares the accumulator and the
///      corrections through {ShareAccounts}. Its views are external here. The composing contract declares the
///      state-changing entry points, guarded against reentrancy, and keeps checks-effects-interactions in them:
///      cap checks against {_totalDeposited}, then {_depositFees} (books, then pulls the tokens), or {_settleClaim}
///      (books) before it pays out in `_paymentToken`. {_correctionDelta} runs inside every balance change.
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

    /// @dev Read by the composing contract's entry points, which make the transfers.
    IERC20 internal immutable _paymentToken;

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

    /// @dev Fees deposited into the pool of `id` so far (<= MAX_CUMULATIVE_FEES).
    function _totalDeposited(uint256 id) internal view returns (uint256) {
        return _totals[id].totalDeposited;
    }

    /// @dev Books `amount` (> 0, within the cap: the caller checks) into the pool of `id` and pulls it from the
    ///      caller.
    function _depositFees(uint256 id, uint256 amount) internal {
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

    /// @dev Books the claim of `account` on `id` (effects only) and returns the amount owed; the caller pays it.
    function _settleClaim(uint256 id, address account) internal returns (uint256 amount) {
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

    /// @inheritdoc ShareAccounts
    /// @dev `magnifiedPerShare * value` when shares leave, its negation when they arrive: the move then leaves the
    ///      account's entitlement `magnifiedPerShare * balance + correction` unchanged. Branch-free on purpose (see
    ///      {ShareAccounts-_correctionDelta}).
    function _correctionDelta(Move memory m, bool out) internal pure override returns (uint256 signed) {
        // Unchecked: magnifiedPerShare * value <= magnifiedPerShare * supply < 2**196 (see MAX_CUMULATIVE_FEES),
        // no overflow. The negation is modulo 2**256, and the caller adds modulo 2**200: an exact int200 subtraction,
        // whose result is again an entitlement minus magnifiedPerShare * balance, within +-2**196, so it never
        // leaves the int200 range. A zero accumulator (a fresh id) gives zero.
        unchecked {
            uint256 delta = m.magnifiedPerShare * m.value;
            // `out` as +1, otherwise -1 (2**256 - 1): delta or -delta modulo 2**256, without a jump.
            assembly ("memory-safe") {
                signed := mul(delta, sub(shl(1, iszero(iszero(out))), 1))
            }
        }
    }
}
