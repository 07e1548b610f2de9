// The payment work inside the node per paid request, measured on the node's own gate against a real local chain: the
// voucher check with its reservation (`authorize`) and the durable booking of the cost (`complete`, one synchronous
// SQLite transaction), as the node's metrics time them, and the receipt signature the booking is followed by. The
// budget is x402 batch-settlement's 0.4 ms per request; the anchor in the same run is one bare voucher recovery.
import type { IncomingMessage } from 'node:http'
import { closeSync, fdatasyncSync, openSync, writeSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { encodePaymentSignatureHeader } from '@x402/core/http'
import { recoverAddress, type Hex, type LocalAccount } from 'viem'
import { chainDown } from '../src/core/actions/chain/chainDown.js'
import { chainUp } from '../src/core/actions/chain/chainUp.js'
import { writeProtocol } from '../src/core/actions/chain/writeProtocol.js'
import { openChannel } from '../src/core/actions/channel/openChannel.js'
import { mintTestTokens } from '../src/core/actions/token/mintTestTokens.js'
import { findFreePort } from '../src/core/chain/local/ports.js'
import { createModeldao, type ModeldaoContext } from '../src/core/context/context.js'
import { PaymentGate } from '../src/core/payments/gate.js'
import { PaymentStore } from '../src/core/payments/store.js'
import { signVoucher, voucherDigest } from '../src/core/payments/vouchers.js'
import { ratio, type Benchmark, type BenchRow } from './types.js'

const REQUESTS = 1_000
const PRICES = { perRequest: 1_000n, perOutputToken: 100n }
const MAX_TOKENS = 16

const quantile = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!

export const paymentOverheadBenchmark: Benchmark = {
  name: 'payment-overhead',
  description: `Payment work per paid request inside the node (${REQUESTS} sequential channel requests on a real anvil): verify + reserve, book, sign the receipt`,
  async run() {
    const home = await mkdtemp(join(tmpdir(), 'modeldao-bench-payments-'))
    const contexts: ModeldaoContext[] = []
    const as = (devAccount?: number) => {
      const md = createModeldao({ home, ...(devAccount === undefined ? {} : { devAccount }) })
      contexts.push(md)
      return md
    }
    let store: PaymentStore | undefined
    try {
      await chainUp(as(), { port: await findFreePort() })
      const creator = as(0)
      const operatorCtx = as(1)
      const payerCtx = as(2)
      await writeProtocol(creator, { contract: 'ModelShares', functionName: 'createModel', args: ['bafkreibenchpayments', 1_000_000n, 500n, 7000, 1000n] })
      await mintTestTokens(payerCtx, { amount: '1000' })
      const [connection, operator, deployments, payer] = await Promise.all([operatorCtx.chain(), operatorCtx.signer(), operatorCtx.deployments(), payerCtx.signer()])
      const { channelId } = await openChannel(payerCtx, { operator: operator.address, amount: 500_000_000n })
      const address = (name: 'PaymentChannels' | 'ExactPayments' | 'ModelShares') => deployments.contracts[name]!.address
      store = new PaymentStore(join(home, 'serving'))
      const gate = await PaymentGate.open({
        connection,
        operator,
        addresses: { channels: address('PaymentChannels'), exactPayments: address('ExactPayments'), modelShares: address('ModelShares'), paymentToken: deployments.paymentToken },
        modelId: 1n,
        prices: PRICES,
        exactMaxTokens: MAX_TOKENS,
        store,
      })
      const domain = { chainId: connection.chainId, verifyingContract: address('PaymentChannels') }
      const [offer] = gate.requirements(MAX_TOKENS)
      const ceiling = BigInt(offer!.amount)
      const commitment = { modelId: 1n, weightsCidHash: `0x${'11'.repeat(32)}` as Hex, body: `0x${'22'.repeat(32)}` as Hex }

      // Vouchers are signed up front (the client's work), each for what was consumed plus one ceiling.
      const cost = PRICES.perRequest + PRICES.perOutputToken * 8n
      const headers: string[] = []
      for (let i = 0; i < REQUESTS + 50; i++) {
        const voucher = { channelId, modelId: 1n, cumulativeAmount: cost * BigInt(i) + ceiling, feeShareBps: 7000 }
        const signature = await signVoucher(payer as LocalAccount, domain, voucher)
        headers.push(encodePaymentSignatureHeader({ x402Version: 2, resource: { url: 'http://bench/v1/completions', description: 'bench', mimeType: 'application/json' }, accepted: offer!, payload: { channelId, modelId: '1', cumulativeAmount: voucher.cumulativeAmount.toString(), feeShareBps: 7000, signature } } as never))
      }
      const verify: number[] = []
      const record: number[] = []
      const sign: number[] = []
      for (let i = 0; i < headers.length; i++) {
        const req = { headers: { 'payment-signature': headers[i]! } } as unknown as IncomingMessage
        const paid = await gate.authorize(req, MAX_TOKENS, 'http://bench/v1/completions')
        const t = performance.now()
        const done = await paid.complete(8, { id: `bench${String(i).padStart(19, '0')}`, commitment })
        const completeMs = performance.now() - t
        if (i < 50) continue // warm-up
        verify.push(paid.verifyMs)
        record.push(done.recordMs)
        sign.push(completeMs - done.recordMs)
      }
      const perRequest = verify.map((v, i) => v + record[i]!).sort((a, b) => a - b)
      verify.sort((a, b) => a - b)
      record.sort((a, b) => a - b)
      sign.sort((a, b) => a - b)

      // The anchor: one bare voucher signature recovery with viem, the least any check must do.
      const sample = { channelId, modelId: 1n, cumulativeAmount: ceiling, feeShareBps: 7000 }
      const sampleSignature = await signVoucher(payer as LocalAccount, domain, sample)
      const recovery: number[] = []
      for (let i = 0; i < 200; i++) {
        const t = performance.now()
        await recoverAddress({ hash: voucherDigest(domain, sample), signature: sampleSignature })
        recovery.push(performance.now() - t)
      }
      recovery.sort((a, b) => a - b)

      // The disk's own floor for a durable booking: one small write and fdatasync in the same folder.
      const syncs: number[] = []
      const fd = openSync(join(home, 'serving', 'fsync-probe'), 'w')
      for (let i = 0; i < 200; i++) {
        const t = performance.now()
        writeSync(fd, `booking ${i}\n`)
        fdatasyncSync(fd)
        syncs.push(performance.now() - t)
      }
      closeSync(fd)
      syncs.sort((a, b) => a - b)

      const p99 = quantile(perRequest, 0.99)
      const verifyP99 = quantile(verify, 0.99)
      const bookP99 = quantile(record, 0.99)
      const syncP99 = quantile(syncs, 0.99)
      const rows: BenchRow[] = [
        { label: 'verify + reserve + book, p50', value: quantile(perRequest, 0.5), unit: 'ms' },
        { label: 'verify + reserve + book, p99', value: p99, unit: 'ms' },
        { label: 'verify + reserve, p50', value: quantile(verify, 0.5), unit: 'ms' },
        { label: 'verify + reserve, p99', value: verifyP99, unit: 'ms' },
        { label: 'book (SQLite, synchronous), p50', value: quantile(record, 0.5), unit: 'ms' },
        { label: 'book (SQLite, synchronous), p99', value: bookP99, unit: 'ms' },
        { label: 'receipt signature, p99', value: quantile(sign, 0.99), unit: 'ms', note: 'after the booking, off the payment path' },
        { label: 'viem recoverAddress, p50', value: quantile(recovery, 0.5), unit: 'ms' },
        { label: 'one write + fdatasync, p99', value: syncP99, unit: 'ms' },
      ]
      return {
        rows,
        ratios: [
          ratio('payment work per request p99 / 0.4 ms (x402 batch-settlement)', p99 / 0.4, { op: '<=', value: 1 }, { modeldao: { label: 'verify + reserve + book, p99', value: p99, unit: 'ms' }, anchor: { label: 'budget', value: 0.4, unit: 'ms' } }),
          ratio('verify + reserve p99 / 0.4 ms (the check, no disk)', verifyP99 / 0.4, { op: '<=', value: 1 }, { modeldao: { label: 'verify + reserve, p99', value: verifyP99, unit: 'ms' }, anchor: { label: 'budget', value: 0.4, unit: 'ms' } }),
          ratio('book p99 / one fdatasync p99 (the disk floor of a durable booking)', bookP99 / syncP99, undefined, { modeldao: { label: 'book (SQLite, synchronous), p99', value: bookP99, unit: 'ms' }, anchor: { label: 'one write + fdatasync, p99', value: syncP99, unit: 'ms' } }),
          ratio('payment work per request p50 / one viem recovery', quantile(perRequest, 0.5) / quantile(recovery, 0.5), undefined, { modeldao: { label: 'verify + reserve + book, p50', value: quantile(perRequest, 0.5), unit: 'ms' }, anchor: { label: 'viem recoverAddress, p50', value: quantile(recovery, 0.5), unit: 'ms' } }),
        ],
      }
    } finally {
      store?.close()
      await chainDown(as()).catch(() => undefined)
      for (const md of contexts) await md.dispose().catch(() => undefined)
      await rm(home, { recursive: true, force: true })
    }
  },
}
