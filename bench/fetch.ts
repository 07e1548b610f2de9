// Fetching weights over loopback, side by side in one run on the same published random file:
//  - a plain HTTP download of the file (curl), and the same made durable (fsync): the baselines;
//  - `model get --gateway` (one CAR stream per subtree, every block and the file verified, fsynced);
//  - `model get --peer` from a modeldao daemon, which advertises its gateway over libp2p (whole subtrees over HTTP);
//  - `model get --peer --gateway` (both at once);
//  - `model get --peer` from a daemon without a gateway (whole subtrees as CAR streams over libp2p: noise + yamux);
//  - `model get --peer` from a daemon that serves bitswap only (what any IPFS node offers).
// And `fetch-soak`: repeated peer fetches in-process, recording the longest gap with no verified bytes (a stall).
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { createReadStream } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openRepo } from '../src/core/ipfs/storage/repo.js'
import { openSourcePool } from '../src/core/ipfs/network/sources.js'
import { fetchModelFiles } from '../src/core/models/get.js'
import { cli, MB, randomFile, startDaemon } from './files.js'
import { measure } from './measure.js'
import { publish } from './publish.js'
import { attempt, ratio, sidesOf, type Benchmark, type BenchRow } from './types.js'

const HTTP = 'plain HTTP download (curl)'
const PEER = 'model get --peer (daemon advertises its gateway: HTTP)'
const BOTH = 'model get --peer --gateway (both at once)'
const LIBP2P = 'model get --peer (daemon without gateway: libp2p CAR)'
const BITSWAP = 'model get --peer (daemon --bitswap-only)'

export const fetchBenchmark: Benchmark = {
  name: 'fetch',
  description: 'model get over a gateway, a peer (CAR streams / bitswap only) and both at once vs plain HTTP (1 GiB, loopback)',
  async run() {
    const mib = Number(process.env.MODELDAO_BENCH_MIB ?? 1024)
    const dir = await mkdtemp(join(tmpdir(), 'modeldao-bench-fetch-'))
    try {
      const file = await randomFile(dir, mib)
      const bytes = (await stat(file)).size
      const rate = (seconds: number) => bytes / MB / seconds
      const home = join(dir, 'home-1')
      const { manifestCid } = await publish(file, home)
      const rows: BenchRow[] = []
      const get = (label: string, sources: string) =>
        attempt(rows, label, 'MB/s', async () => {
          const out = join(dir, 'out')
          const getHome = join(dir, 'home-get')
          try {
            return await measure(`${cli} model get ${manifestCid} ${sources} --out ${out} --json`, { MODELDAO_HOME: getHome })
          } finally {
            await rm(out, { recursive: true, force: true })
            await rm(getHome, { recursive: true, force: true })
          }
        })

      const plain = createServer((_req, res) => {
        res.writeHead(200, { 'content-length': bytes })
        createReadStream(file).pipe(res)
      })
      await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve))
      const url = `http://127.0.0.1:${(plain.address() as AddressInfo).port}/file`
      const copy = join(dir, 'plain.bin')
      const http = await measure(`curl -sf -o ${copy} ${url}`).finally(() => rm(copy, { force: true }))
      // model get fsyncs what it writes before renaming it into place; the fair durable baseline does too.
      const httpSynced = await measure(`curl -sf -o ${copy} ${url} && sync ${copy}`).finally(() => rm(copy, { force: true }))
      plain.close()

      // The usual daemon: its peers learn its gateway over libp2p and fetch over HTTP when they can reach it.
      const daemon = await startDaemon(home)
      let viaGateway, viaPeer, viaBoth
      try {
        viaGateway = await get('model get --gateway', `--gateway ${daemon.gateway}`)
        viaPeer = await get(PEER, `--peer ${daemon.multiaddrs[0]}`)
        viaBoth = await get(BOTH, `--peer ${daemon.multiaddrs[0]} --gateway ${daemon.gateway}`)
      } finally {
        await daemon.stop()
      }
      // A daemon without a gateway: whole subtrees as CAR streams over libp2p (noise + yamux).
      const libp2pDaemon = await startDaemon(home, ['--no-gateway'])
      let viaLibp2p
      try {
        viaLibp2p = await get(LIBP2P, `--peer ${libp2pDaemon.multiaddrs[0]}`)
      } finally {
        await libp2pDaemon.stop()
      }
      // What any IPFS node offers: bitswap.
      const bitswapDaemon = await startDaemon(home, ['--bitswap-only', '--no-gateway'])
      let viaBitswap
      try {
        viaBitswap = await get(BITSWAP, `--peer ${bitswapDaemon.multiaddrs[0]}`)
      } finally {
        await bitswapDaemon.stop()
      }

      rows.push(
        { label: HTTP, value: rate(http.seconds), unit: 'MB/s' },
        { label: 'plain HTTP download + fsync', value: rate(httpSynced.seconds), unit: 'MB/s' },
      )
      const row = (label: string, run: { seconds: number; peakRssMb: number } | undefined) => {
        if (run) rows.push({ label, value: rate(run.seconds), unit: 'MB/s', note: `peak RSS ${run.peakRssMb.toFixed(0)} MB` })
      }
      row('model get --gateway', viaGateway)
      row(PEER, viaPeer)
      row(BOTH, viaBoth)
      row(LIBP2P, viaLibp2p)
      row(BITSWAP, viaBitswap)
      // A failed fetch makes its ratios NaN: reported as MISS against their targets, not dropped.
      const secondsOf = (run: { seconds: number } | undefined) => run?.seconds ?? Number.NaN
      const ratios = [
        ratio('get --gateway / plain HTTP + fsync', httpSynced.seconds / secondsOf(viaGateway), { op: '>=', value: 0.5 }, sidesOf(rows, 'model get --gateway', 'plain HTTP download + fsync')),
        ratio('get --gateway / plain HTTP', http.seconds / secondsOf(viaGateway), undefined, sidesOf(rows, 'model get --gateway', HTTP)),
        ratio('get --peer / plain HTTP', http.seconds / secondsOf(viaPeer), { op: '>=', value: 0.25 }, sidesOf(rows, PEER, HTTP)),
        ratio('get --peer --gateway / plain HTTP', http.seconds / secondsOf(viaBoth), undefined, sidesOf(rows, BOTH, HTTP)),
        ratio('get --peer, libp2p CAR / plain HTTP', http.seconds / secondsOf(viaLibp2p), undefined, sidesOf(rows, LIBP2P, HTTP)),
        ratio('get --peer, bitswap only / plain HTTP', http.seconds / secondsOf(viaBitswap), undefined, sidesOf(rows, BITSWAP, HTTP)),
      ]
      return { rows, ratios }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  },
}

/**
 * `MODELDAO_BENCH_SOAK_RUNS` (default 10) peer fetches of the same 1 GiB model into fresh repos, in-process, from a
 * daemon serving CAR streams (or bitswap only with `MODELDAO_BENCH_SOAK_BITSWAP=1`). Counts failures and stalls: a
 * gap of more than 2 s with no verified bytes.
 */
export const fetchSoakBenchmark: Benchmark = {
  name: 'fetch-soak',
  description: 'repeated 1 GiB peer fetches: failures, stalls (> 2 s without a verified byte), throughput',
  async run() {
    const mib = Number(process.env.MODELDAO_BENCH_MIB ?? 1024)
    const runs = Number(process.env.MODELDAO_BENCH_SOAK_RUNS ?? 10)
    const bitswapOnly = process.env.MODELDAO_BENCH_SOAK_BITSWAP === '1'
    const dir = await mkdtemp(join(tmpdir(), 'modeldao-bench-soak-'))
    try {
      const file = await randomFile(dir, mib)
      const home = join(dir, 'home-1')
      const { manifestCid } = await publish(file, home)
      const daemon = await startDaemon(home, bitswapOnly ? ['--bitswap-only', '--no-gateway'] : ['--no-gateway'])
      const rows: BenchRow[] = []
      let failures = 0
      let stalls = 0
      let worstGap = 0
      const rates: number[] = []
      try {
        for (let i = 0; i < runs; i++) {
          const repo = openRepo(join(dir, `get-${i}`, 'ipfs'))
          const pool = await openSourcePool(repo, { peer: daemon.multiaddrs[0] })
          let last = performance.now()
          let gap = 0
          try {
            const result = await fetchModelFiles({
              repo,
              manifestCid,
              outDir: join(dir, `out-${i}`),
              source: pool,
              onProgress: () => {
                const now = performance.now()
                gap = Math.max(gap, now - last)
                last = now
              },
            })
            rates.push(result.fetchedBytes / MB / result.seconds)
          } catch (error) {
            failures++
            rows.push({ label: `run ${i + 1}`, value: Number.NaN, unit: 'MB/s', error: (error as Error).message })
          } finally {
            await pool?.close()
            await repo.close()
            await rm(join(dir, `get-${i}`), { recursive: true, force: true })
            await rm(join(dir, `out-${i}`), { recursive: true, force: true })
          }
          if (gap > 2000) stalls++
          worstGap = Math.max(worstGap, gap)
        }
      } finally {
        await daemon.stop()
      }
      rates.sort((a, b) => a - b)
      rows.push(
        { label: `peer fetches (${bitswapOnly ? 'bitswap only' : 'CAR streams'})`, value: runs, unit: 'runs' },
        { label: 'failed fetches', value: failures, unit: 'runs' },
        { label: 'fetches with a stall > 2 s', value: stalls, unit: 'runs' },
        { label: 'longest gap without progress', value: worstGap / 1000, unit: 's' },
        { label: 'median throughput', value: rates[Math.floor(rates.length / 2)] ?? Number.NaN, unit: 'MB/s', note: `min ${rates[0]?.toFixed(0)}, max ${rates.at(-1)?.toFixed(0)}` },
      )
      return { rows, ratios: [ratio('failed + stalled fetches', failures + stalls, { op: '<=', value: 0 })] }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  },
}
