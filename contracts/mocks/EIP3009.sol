// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

/// @title EIP3009
/// @notice Transfers authorized by the holder's signature (EIP-3009, as USDC has them): `transferWithAuthorization`
///         (anyone submits), `receiveWithAuthorization` (only the receiver submits) and `cancelAuthorization`, with
///         random 32-byte nonces. Both the (v, r, s) and the `bytes signature` forms are accepted; the latter also
///         verifies ERC-1271 contract signatures.
abstract contract EIP3009 is ERC20, EIP712 {
    /// @notice EIP-712 type hash of a transfer authorization.
    bytes32 public constant TRANSFER_WITH_AUTHORIZATION_TYPEHASH = keccak256(
        "TransferWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)"
    );
    /// @notice EIP-712 type hash of a receive authorization.
    bytes32 public constant RECEIVE_WITH_AUTHORIZATION_TYPEHASH = keccak256(
        "ReceiveWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)"
    );
    /// @notice EIP-712 type hash of a cancellation.
    bytes32 public constant CANCEL_AUTHORIZATION_TYPEHASH =
        keccak256("CancelAuthorization(address authorizer,bytes32 nonce)");

    mapping(address authorizer => mapping(bytes32 nonce => bool)) private _used;

    /// @notice `nonce` of `authorizer` was used for a transfer.
    event AuthorizationUsed(address indexed authorizer, bytes32 indexed nonce);
    /// @notice `nonce` of `authorizer` was cancelled.
    event AuthorizationCanceled(address indexed authorizer, bytes32 indexed nonce);

    /// @notice The authorization is not valid yet or any more.
    error EIP3009AuthorizationNotValidNow(uint256 validAfter, uint256 validBefore, uint256 nowTimestamp);
    /// @notice The nonce was used or cancelled already.
    error EIP3009AuthorizationUsed(address authorizer, bytes32 nonce);
    /// @notice The signature is not the authorizer's.
    error EIP3009InvalidSignature();
    /// @notice `receiveWithAuthorization` was called by someone other than the receiver.
    error EIP3009CallerNotPayee(address caller, address payee);

    /// @notice Whether `nonce` of `authorizer` was used or cancelled.
    /// @param authorizer The token holder.
    /// @param nonce The authorization's nonce.
    function authorizationState(address authorizer, bytes32 nonce) external view returns (bool) {
        return _used[authorizer][nonce];
    }

    /// @notice Moves `value` from `from` to `to` with `from`'s signature; anyone may submit it.
    /// @param from Payer and signer.
    /// @param to Receiver.
    /// @param value Amount.
    /// @param validAfter Valid strictly after this time.
    /// @param validBefore Valid strictly before this time.
    /// @param nonce Unique random nonce.
    /// @param signature 65-byte ECDSA signature, or an ERC-1271 signature when `from` is a contract.
    function transferWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        bytes memory signature
    ) public {
        _useAuthorization(TRANSFER_WITH_AUTHORIZATION_TYPEHASH, from, to, value, validAfter, validBefore, nonce, signature);
        _transfer(from, to, value);
    }

    /// @notice {transferWithAuthorization} with the signature split into (v, r, s).
    /// @param from Payer and signer.
    /// @param to Receiver.
    /// @param value Amount.
    /// @param validAfter Valid strictly after this time.
    /// @param validBefore Valid strictly before this time.
    /// @param nonce Unique random nonce.
    /// @param v Signature recovery id.
    /// @param r Signature r.
    /// @param s Signature s.
    function transferWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external {
        transferWithAuthorization(from, to, value, validAfter, validBefore, nonce, abi.encodePacked(r, s, v));
    }

    /// @notice Like {transferWithAuthorization} but only `to` may submit it, so nobody can front-run the receiver.
    /// @param from Payer and signer.
    /// @param to Receiver, who must be the caller.
    /// @param value Amount.
    /// @param validAfter Valid strictly after this time.
    /// @param validBefore Valid strictly before this time.
    /// @param nonce Unique random nonce.
    /// @param signature 65-byte ECDSA signature, or an ERC-1271 signature when `from` is a contract.
    function receiveWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        bytes memory signature
    ) public {
        if (msg.sender != to) revert EIP3009CallerNotPayee(msg.sender, to);
        _useAuthorization(RECEIVE_WITH_AUTHORIZATION_TYPEHASH, from, to, value, validAfter, validBefore, nonce, signature);
        _transfer(from, to, value);
    }

    /// @notice Cancels an unused authorization of `authorizer`.
    /// @param authorizer The token holder.
    /// @param nonce The nonce to cancel.
    /// @param signature The authorizer's signature of the cancellation.
    function cancelAuthorization(address authorizer, bytes32 nonce, bytes memory signature) external {
        if (_used[authorizer][nonce]) revert EIP3009AuthorizationUsed(authorizer, nonce);
        bytes32 digest = _hashTypedDataV4(keccak256(abi.encode(CANCEL_AUTHORIZATION_TYPEHASH, authorizer, nonce)));
        if (!SignatureChecker.isValidSignatureNow(authorizer, digest, signature)) revert EIP3009InvalidSignature();
        _used[authorizer][nonce] = true;
        emit AuthorizationCanceled(authorizer, nonce);
    }

    function _useAuthorization(
        bytes32 typeHash,
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        bytes memory signature
    ) private {
        if (block.timestamp <= validAfter || block.timestamp >= validBefore) {
            revert EIP3009AuthorizationNotValidNow(validAfter, validBefore, block.timestamp);
        }
        if (_used[from][nonce]) revert EIP3009AuthorizationUsed(from, nonce);
        bytes32 digest =
            _hashTypedDataV4(keccak256(abi.encode(typeHash, from, to, value, validAfter, validBefore, nonce)));
        if (!SignatureChecker.isValidSignatureNow(from, digest, signature)) revert EIP3009InvalidSignature();
        _used[from][nonce] = true;
        emit AuthorizationUsed(from, nonce);
    }
}
