// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";

/// @title ReceiptLib
/// @notice The on-chain commitment of a serving node's receipt: what the operator signs for every answered request,
///         so that a contract can tie a disputed answer to a model, its weights and the payment that paid for it.
///
/// The operator signs the EIP-712 struct
///
///     Receipt(uint256 modelId,bytes32 weightsCidHash,bytes32 body,bytes32 payment,uint256 cost)
///
/// under the domain `{name: "modeldao Receipts", version: "1", chainId, verifyingContract: PaymentChannels}` (no salt),
/// where
/// - `modelId` is the model the request was served for (it must equal the voucher's `modelId`);
/// - `weightsCidHash` is `keccak256(bytes(weightsCid))`, the UTF-8 bytes of the CID of the weights the node claims
///   to have served (the replay check fetches exactly these);
/// - `body` is `keccak256` of the compact receipt body (prompt-token hash, sampling parameters with the seed, output
///   token ids, quantized per-token log-probabilities and logit gaps), encoded as the off-chain verifier defines it;
///   the chain never reads the body, it only binds the operator to it;
/// - `payment` is the EIP-712 digest of the paying voucher (`IPaymentChannels.hashVoucher`);
/// - `cost` is what the request cost, in payment-token base units.
///
/// The domain binds the chain id and the PaymentChannels deployment, so a receipt signed for another chain or another
/// deployment recovers to another address.
library ReceiptLib {
    /// @notice A signed receipt's fields (see the library's NatSpec).
    struct Receipt {
        uint256 modelId;
        bytes32 weightsCidHash;
        bytes32 body;
        bytes32 payment;
        uint256 cost;
    }

    /// @notice EIP-712 type hash of {Receipt}.
    bytes32 internal constant TYPEHASH =
        keccak256("Receipt(uint256 modelId,bytes32 weightsCidHash,bytes32 body,bytes32 payment,uint256 cost)");
    /// @notice EIP-712 type hash of a node's acknowledgement that it accepted a voucher for a request of at most
    ///         `cost`: `VoucherAccepted(bytes32 payment,uint256 cost)`, `payment` being the voucher's digest.
    bytes32 internal constant ACK_TYPEHASH = keccak256("VoucherAccepted(bytes32 payment,uint256 cost)");
    /// @notice EIP-712 type hash of the domain (name, version, chain id, verifying contract).
    bytes32 internal constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    /// @notice `keccak256("modeldao Receipts")`.
    bytes32 internal constant NAME_HASH = keccak256("modeldao Receipts");
    /// @notice `keccak256("1")`.
    bytes32 internal constant VERSION_HASH = keccak256("1");

    /// @notice EIP-712 struct hash of `r`.
    function hashStruct(Receipt calldata r) internal pure returns (bytes32) {
        return keccak256(abi.encode(TYPEHASH, r.modelId, r.weightsCidHash, r.body, r.payment, r.cost));
    }

    /// @notice The receipts domain separator on the current chain for the PaymentChannels at `channels`.
    function domainSeparator(address channels) internal view returns (bytes32) {
        return keccak256(abi.encode(DOMAIN_TYPEHASH, NAME_HASH, VERSION_HASH, block.chainid, channels));
    }

    /// @notice The EIP-712 digest an operator signs when it accepts voucher `payment` for a request of at most `cost`
    ///         (same domain as receipts): the evidence a payer files when no receipt came.
    function ackDigest(bytes32 payment, uint256 cost, address channels) internal view returns (bytes32) {
        return MessageHashUtils.toTypedDataHash(domainSeparator(channels), keccak256(abi.encode(ACK_TYPEHASH, payment, cost)));
    }

    /// @notice The EIP-712 digest the operator signs for `r` (current chain, PaymentChannels at `channels`).
    function digest(Receipt calldata r, address channels) internal view returns (bytes32) {
        return MessageHashUtils.toTypedDataHash(domainSeparator(channels), hashStruct(r));
    }
}
