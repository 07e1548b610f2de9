// Publishing and fetching weights, side by side in one run on the same random file:
//  publish: `model publish --ipfs-only` vs the physical floor (read once, write a copy, hash it), ipfs-car pack (the
//           JS anchor) and plain sha256sum; peak RSS of publish on a 4 GiB file.
//  get:     `model get` over the trustless gateway and over bitswap vs a plain HTTP download of the same file, all over
//           loopback.
import { spawn } from 'node:child_process'
import { createReadStream } from 'node:fs'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createInterface } from 'node:readline'
import { measure } from './measure.js'
import { attempt, ratio, type Benchmark, type BenchRow } from './types.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const node = process.execPath
const cli = `${node} ${join(root, 'bin/run.js')}`
const bin = (name: string) => join(root, 'node_modules/.bin', name)
const MB = 1e6

async function randomFile(dir: string, mib: number): Promise<string> {
  const path = join(dir, `random-${mib}MiB.bin`)
  await measure(`head -c ${mib * 1024 * 1024} /dev/urandom > ${path}`)
  return path
}

type PublishRun = { seconds: number; peakRssMb: number; internalSeconds: number; manifestCid: string }

async function publish(file: string, home: string): Promise<PublishRun> {
  const run = await measure(`${cli} model publish ${file} --name bench --ipfs-only --json`, { MODELDAO_HOME: home })
  const result = JSON.parse(run.output).result as { seconds: number; manifestCid: string }
  return { seconds: run.seconds, peakRssMb: run.peakRssMb, internalSeconds: result.seconds, manifestCid: result.manifestCid }
}

export const publishBenchmark: Benchmark = {
  name: 'publish',
  description: 'model publish --ipfs-only vs physical floor, ipfs-car and sha256sum (1 GiB random file)',
  async run() {
    const mib = Number(process.env.MODELDAO_BENCH_MIB ?? 1024)
    const bigMib = Number(process.env.MODELDAO_BENCH_BIG_MIB ?? 4096)
    const dir = await mkdtemp(join(tmpdir(), 'modeldao-bench-'))
    try {
      const file = await randomFile(dir, mib)
      const bytes = (await stat(file)).size
      const rate = (seconds: number) => bytes / MB / seconds
      const ours = await publish(file, join(dir, 'home-1'))
      const floor = await measure(`tee ${join(dir, 'copy.bin')} < ${file} | sha256sum > /dev/null`)
      await rm(join(dir, 'copy.bin'))
      const car = await measure(`${bin('ipfs-car')} pack ${file} --output ${join(dir, 'out.car')} > /dev/null`)
      await rm(join(dir, 'out.car'))
      const sha = await measure(`sha256sum ${file} > /dev/null`)
      const again = await publish(file, join(dir, 'home-1'))
      const rows: BenchRow[] = [
        { label: 'model publish --ipfs-only (whole command)', value: rate(ours.seconds), unit: 'MB/s', note: `peak RSS ${ours.peakRssMb.toFixed(0)} MB` },
        { label: 'model publish, import only (no CLI start)', value: rate(ours.internalSeconds), unit: 'MB/s' },
        { label: 'floor: tee copy < file | sha256sum', value: rate(floor.seconds), unit: 'MB/s', note: `peak RSS ${floor.peakRssMb.toFixed(0)} MB` },
        { label: 'ipfs-car pack', value: rate(car.seconds), unit: 'MB/s', note: `peak RSS ${car.peakRssMb.toFixed(0)} MB` },
        { label: 'sha256sum', value: rate(sha.seconds), unit: 'MB/s', note: `peak RSS ${sha.peakRssMb.toFixed(0)} MB` },
        { label: 'model publish again (all blocks stored)', value: rate(again.seconds), unit: 'MB/s' },
      ]
      const ratios = [
        ratio('publish / floor', floor.seconds / ours.seconds, { op: '>=', value: 0.7 }),
        ratio('publish / ipfs-car', car.seconds / ours.seconds, { op: '>=', value: 3 }),
      ]

      // get: the published repo serves over a daemon (gateway + libp2p); a plain HTTP server serves the file itself.
      const daemon = spawn(node, [join(root, 'bin/run.js'), 'ipfs', 'daemon', '--listen', '/ip4/127.0.0.1/tcp/0', '--gateway-port', '0', '--json'], {
        env: { ...process.env, MODELDAO_HOME: join(dir, 'home-1') },
        stdio: ['ignore', 'pipe', 'inherit'],
      })
      const ready = await new Promise<{ gateway: string; multiaddrs: string[] }>((resolve, reject) => {
        createInterface({ input: daemon.stdout! }).once('line', (line) => resolve(JSON.parse(line).result))
        daemon.once('exit', (code) => reject(new Error(`daemon exited with ${code}`)))
      })
      const plain = createServer((req, res) => {
        res.writeHead(200, { 'content-length': bytes })
        createReadStream(file).pipe(res)
      })
      await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve))
      try {
        const url = `http://127.0.0.1:${(plain.address() as AddressInfo).port}/file`
        const http = await measure(`curl -sf -o ${join(dir, 'plain.bin')} ${url}`)
        await rm(join(dir, 'plain.bin'))
        // model get fsyncs what it writes before renaming it into place; the fair durable baseline does too.
        const httpSynced = await measure(`curl -sf -o ${join(dir, 'plain.bin')} ${url} && sync ${join(dir, 'plain.bin')}`)
        await rm(join(dir, 'plain.bin'))
        const viaGateway = await attempt(rows, 'model get --gateway (loopback)', 'MB/s', () =>
          measure(`${cli} model get ${ours.manifestCid} --gateway ${ready.gateway} --out ${join(dir, 'out-gw')} --json`, { MODELDAO_HOME: join(dir, 'home-gw') }),
        )
        await rm(join(dir, 'out-gw'), { recursive: true, force: true })
        await rm(join(dir, 'home-gw'), { recursive: true, force: true })
        const viaPeer = await attempt(rows, 'model get --peer (bitswap, loopback)', 'MB/s', () =>
          measure(`${cli} model get ${ours.manifestCid} --peer ${ready.multiaddrs[0]} --out ${join(dir, 'out-p2p')} --json`, { MODELDAO_HOME: join(dir, 'home-p2p') }),
        )
        await rm(join(dir, 'out-p2p'), { recursive: true, force: true })
        await rm(join(dir, 'home-p2p'), { recursive: true, force: true })
        rows.push(
          { label: 'plain HTTP download (curl, loopback)', value: rate(http.seconds), unit: 'MB/s' },
          { label: 'plain HTTP download + fsync', value: rate(httpSynced.seconds), unit: 'MB/s' },
        )
        if (viaGateway) rows.push({ label: 'model get --gateway (loopback)', value: rate(viaGateway.seconds), unit: 'MB/s', note: `peak RSS ${viaGateway.peakRssMb.toFixed(0)} MB` })
        if (viaPeer) rows.push({ label: 'model get --peer (bitswap, loopback)', value: rate(viaPeer.seconds), unit: 'MB/s', note: `peak RSS ${viaPeer.peakRssMb.toFixed(0)} MB` })
        // A failed fetch makes its ratios NaN: reported as MISS against their targets, not dropped.
        const secondsOf = (run: { seconds: number } | undefined) => run?.seconds ?? Number.NaN
        ratios.push(ratio('get --gateway / plain HTTP', http.seconds / secondsOf(viaGateway), { op: '>=', value: 0.5 }))
        ratios.push(ratio('get --gateway / plain HTTP + fsync', httpSynced.seconds / secondsOf(viaGateway)))
        ratios.push(ratio('get --peer / plain HTTP', http.seconds / secondsOf(viaPeer)))
      } finally {
        plain.close()
        const exited = new Promise((resolve) => daemon.once('exit', resolve))
        daemon.kill('SIGTERM')
        await exited
      }

      if (bigMib > 0) {
        await rm(join(dir, 'home-1'), { recursive: true })
        await rm(file)
        const big = await randomFile(dir, bigMib)
        const bigRun = await publish(big, join(dir, 'home-big'))
        rows.push({ label: `model publish ${bigMib / 1024} GiB: peak RSS`, value: bigRun.peakRssMb, unit: 'MB', note: `${((bigMib * 1024 * 1024) / MB / bigRun.seconds).toFixed(0)} MB/s` })
        ratios.push(ratio(`peak RSS ${bigMib / 1024} GiB / 300 MB`, bigRun.peakRssMb / 300, { op: '<=', value: 1 }))
      }
      return { rows, ratios }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  },
}
