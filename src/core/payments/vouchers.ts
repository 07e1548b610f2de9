import { createRequire } from 'node:module'
import { keccak_256 } from '@noble/hashes/sha3.js'
import { type Address, type Hex, bytesToHex, getAddress, hashTypedData, hexToBytes, recoverAddress, type LocalAccount } from 'viem'

/** What a payer signs per request: the channel owes `cumulativeAmount` in total for `modelId`, split at `feeShareBps`. */
export type Voucher = { channelId: Hex; modelId: bigint; cumulativeAmount: bigint; feeShareBps: number }

/** The EIP-712 domain of a PaymentChannels deployment: vouchers are bound to its chain and address. */
export type ChannelsDomain = { chainId: number; verifyingContract: Address }

export const VOUCHER_TYPES = {
  Voucher: [
    { name: 'channelId', type: 'bytes32' },
    { name: 'modelId', type: 'uint256' },
    { name: 'cumulativeAmount', type: 'uint256' },
    { name: 'feeShareBps', type: 'uint16' },
  ],
} as const

const domainOf = (d: ChannelsDomain) => ({ name: 'modeldao PaymentChannels', version: '1', chainId: d.chainId, verifyingContract: d.verifyingContract })

/** The voucher's EIP-712 digest, computed the reference way (viem). */
export function voucherDigest(domain: ChannelsDomain, voucher: Voucher): Hex {
  return hashTypedData({ domain: domainOf(domain), types: VOUCHER_TYPES, primaryType: 'Voucher', message: voucher })
}

/** Signs a voucher with the channel's authorizer key. */
export async function signVoucher(authorizer: LocalAccount, domain: ChannelsDomain, voucher: Voucher): Promise<Hex> {
  return authorizer.signTypedData({ domain: domainOf(domain), types: VOUCHER_TYPES, primaryType: 'Voucher', message: voucher })
}

type NativeSecp = {
  ecdsaRecover(sig: Uint8Array, recid: number, msg32: Uint8Array, compressed: boolean): Uint8Array
  ecdsaVerify(sig: Uint8Array, msg32: Uint8Array, pub: Uint8Array): boolean
}

/** libsecp256k1 through the `secp256k1` package's prebuilt N-API binding, when this platform has one. */
const native: NativeSecp | undefined = (() => {
  try {
    const secp = createRequire(import.meta.url)('secp256k1/bindings') as NativeSecp
    return typeof secp.ecdsaRecover === 'function' ? secp : undefined
  } catch {
    return undefined
  }
})()

const HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n
const u256 = (value: bigint, into: Uint8Array, at: number) => {
  for (let i = 31; i >= 0; i--) {
    into[at + i] = Number(value & 0xffn)
    value >>= 8n
  }
}

/**
 * Checks voucher signatures fast: the EIP-712 digest is encoded by hand (the Voucher struct is fixed; a unit test
 * holds it equal to viem's `hashTypedData`) and the signature is checked with libsecp256k1 against the authorizer's
 * public key, recovered once per authorizer and cached. Without the native binding it falls back to viem (~500/s).
 * High-s signatures are refused, as OpenZeppelin's ECDSA does on chain.
 */
export class VoucherVerifier {
  private readonly domainSeparator: Uint8Array
  private readonly typeHash = keccak_256(new TextEncoder().encode('Voucher(bytes32 channelId,uint256 modelId,uint256 cumulativeAmount,uint16 feeShareBps)'))
  private readonly keys = new Map<string, Uint8Array>()
  private readonly buffer = new Uint8Array(32 * 5)
  private readonly outer = new Uint8Array(66)

  constructor(readonly domain: ChannelsDomain) {
    const hex = (s: string) => keccak_256(new TextEncoder().encode(s))
    const enc = new Uint8Array(32 * 5)
    enc.set(hex('EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)'), 0)
    enc.set(hex('modeldao PaymentChannels'), 32)
    enc.set(hex('1'), 64)
    u256(BigInt(domain.chainId), enc, 96)
    enc.set(hexToBytes(domain.verifyingContract), 140)
    this.domainSeparator = keccak_256(enc)
    this.buffer.set(this.typeHash, 0)
    this.outer[0] = 0x19
    this.outer[1] = 0x01
    this.outer.set(this.domainSeparator, 2)
  }

  /** Whether the native (libsecp256k1) path is in use. */
  static get native(): boolean {
    return native !== undefined
  }

  digest(voucher: Voucher): Uint8Array {
    const b = this.buffer
    b.set(hexToBytes(voucher.channelId), 32)
    u256(voucher.modelId, b, 64)
    u256(voucher.cumulativeAmount, b, 96)
    u256(BigInt(voucher.feeShareBps), b, 128)
    this.outer.set(keccak_256(b), 34)
    return keccak_256(this.outer)
  }

  /** Whether `signature` is `authorizer`'s signature of `voucher` under this domain. */
  async verify(voucher: Voucher, signature: Hex, authorizer: Address): Promise<boolean> {
    if (!/^0x[0-9a-fA-F]{130}$/.test(signature)) return false
    const sig = hexToBytes(signature)
    const v = sig[64]!
    const recid = v >= 27 ? v - 27 : v
    if (recid !== 0 && recid !== 1) return false
    const s = BigInt(bytesToHex(sig.subarray(32, 64)))
    if (s === 0n || s > HALF_N) return false
    const digest = this.digest(voucher)
    if (!native) return getAddress(await recoverAddress({ hash: bytesToHex(digest), signature })) === getAddress(authorizer)
    const key = authorizer.toLowerCase()
    const rs = sig.subarray(0, 64)
    const known = this.keys.get(key)
    try {
      if (known) return native.ecdsaVerify(rs, digest, known)
      const pub = native.ecdsaRecover(rs, recid, digest, false)
      const address = bytesToHex(keccak_256(pub.subarray(1)).subarray(12))
      if (address !== key) return false
      this.keys.set(key, pub)
      return true
    } catch {
      return false
    }
  }
}
