// Voucher verification on one thread: modeldao's verifier (hand-encoded EIP-712 digest + libsecp256k1 against the
// authorizer's cached key) vs viem's recoverAddress over hashTypedData, side by side on the same signed vouchers.
import { recoverAddress, type Hex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { VoucherVerifier, signVoucher, voucherDigest, type Voucher } from '../src/core/payments/vouchers.js'
import { ratio, sidesOf, type Benchmark } from './types.js'

const N = 4_000

export const paymentsBenchmark: Benchmark = {
  name: 'payments',
  description: 'Voucher verifications per second on one thread: modeldao verifier vs viem recovery',
  async run() {
    const account = privateKeyToAccount('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d')
    const domain = { chainId: 31337, verifyingContract: '0x5FbDB2315678afecb367f032d93F642f64180aa3' as const }
    const vouchers: { v: Voucher; sig: Hex }[] = []
    for (let i = 0; i < N; i++) {
      const v = { channelId: `0x${'ab'.repeat(32)}` as Hex, modelId: 1n, cumulativeAmount: 1_000n * BigInt(i + 1), feeShareBps: 7000 }
      vouchers.push({ v, sig: await signVoucher(account, domain, v) })
    }
    const verifier = new VoucherVerifier(domain)
    let ok = 0
    let t = performance.now()
    for (const { v, sig } of vouchers) if (await verifier.verify(v, sig, account.address)) ok++
    const fastPerSecond = N / ((performance.now() - t) / 1000)
    if (ok !== N) throw new Error(`the verifier rejected ${N - ok} valid vouchers`)
    const sample = vouchers.slice(0, 400)
    t = performance.now()
    for (const { v, sig } of sample) if ((await recoverAddress({ hash: voucherDigest(domain, v), signature: sig })) !== account.address) throw new Error('viem disagreed')
    const viemPerSecond = sample.length / ((performance.now() - t) / 1000)
    const ours = `modeldao VoucherVerifier (${VoucherVerifier.native ? 'libsecp256k1' : 'viem fallback'})`
    const rows = [
      { label: ours, value: Math.round(fastPerSecond), unit: 'verifications/s' },
      { label: 'viem hashTypedData + recoverAddress', value: Math.round(viemPerSecond), unit: 'verifications/s' },
    ]
    const mine = sidesOf(rows, ours, 'viem hashTypedData + recoverAddress')
    return {
      rows,
      ratios: [
        ratio('modeldao / viem verifications per second', fastPerSecond / viemPerSecond, undefined, mine),
        ratio('modeldao verifications per second / 10,000 (target)', fastPerSecond / 10_000, { op: '>=', value: 1 }, { modeldao: mine.modeldao, anchor: { label: 'budget', value: 10_000, unit: 'verifications/s' } }),
      ],
    }
  },
}
