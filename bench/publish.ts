// Publishing weights, side by side in one run on the same random file, like for like:
//  - `model publish --ipfs-only` on kubo's profile (256 KiB raw leaves, 174 links) vs ipfs-car's own pipeline on the
//    same profile (bench/ipfsCarKubo.ts: same root CID), and on ipfs-car's profile (1 MiB, 1024 links) vs the
//    ipfs-car CLI (--no-wrap: the same root CID as ours).
//  - the physical floor: read the file once, write a copy, sha256 it with the CPU's SHA instructions (openssl), and
//    make the copy durable; and the same with coreutils sha256sum (no SHA instructions: a slower hasher).
//  Everything that writes ends with the same durability (publish fsyncs; the others are followed by `sync <file>`).
//  Peak RSS of publish on a 4 GiB file.
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bin, cli, MB, node, randomFile, root } from './files.js'
import { measure } from './measure.js'
import { ratio, sidesOf, type Benchmark, type BenchRow } from './types.js'

type PublishRun = { seconds: number; peakRssMb: number; internalSeconds: number; manifestCid: string; fileCid: string }

export async function publish(file: string, home: string, profile = 'kubo-v1'): Promise<PublishRun> {
  const run = await measure(`${cli} model publish ${file} --name bench --ipfs-only --cid-profile ${profile} --json`, { MODELDAO_HOME: home })
  const result = JSON.parse(run.output).result as { seconds: number; manifestCid: string; manifest: { files: { cid: string }[] } }
  return { seconds: run.seconds, peakRssMb: run.peakRssMb, internalSeconds: result.seconds, manifestCid: result.manifestCid, fileCid: result.manifest.files[0]!.cid }
}

export const publishBenchmark: Benchmark = {
  name: 'publish',
  description: 'model publish --ipfs-only vs ipfs-car on the same DAG profile, and vs the physical floor (1 GiB random file)',
  async run() {
    const mib = Number(process.env.MODELDAO_BENCH_MIB ?? 1024)
    const bigMib = Number(process.env.MODELDAO_BENCH_BIG_MIB ?? 4096)
    const dir = await mkdtemp(join(tmpdir(), 'modeldao-bench-'))
    try {
      const file = await randomFile(dir, mib)
      const bytes = (await stat(file)).size
      const rate = (seconds: number) => bytes / MB / seconds
      const copy = join(dir, 'copy.bin')
      const car = join(dir, 'out.car')
      const durable = (command: string, output: string) => measure(`${command} && sync ${output}`).finally(() => rm(output, { force: true }))

      const kubo = await publish(file, join(dir, 'home-kubo'))
      const carKubo = await durable(`${node} ${join(root, 'bench/ipfsCarKubo.ts')} ${file} ${car} 262144 174 > ${join(dir, 'car-kubo.cid')}`, car)
      const wide = await publish(file, join(dir, 'home-wide'), 'unixfs-v1-2025')
      const carWide = await durable(`${bin('ipfs-car')} pack ${file} --no-wrap --output ${car} > /dev/null`, car)
      const floor = await durable(`tee ${copy} < ${file} | openssl dgst -sha256 > /dev/null`, copy)
      const floorSlowHash = await durable(`tee ${copy} < ${file} | sha256sum > /dev/null`, copy)
      const again = await publish(file, join(dir, 'home-kubo'))
      const sameRoot = (await measure(`cat ${join(dir, 'car-kubo.cid')}`)).output.trim() === kubo.fileCid

      const rows: BenchRow[] = [
        { label: 'model publish, kubo-v1 (whole command)', value: rate(kubo.seconds), unit: 'MB/s', note: `peak RSS ${kubo.peakRssMb.toFixed(0)} MB` },
        { label: 'model publish, kubo-v1, import only', value: rate(kubo.internalSeconds), unit: 'MB/s' },
        { label: 'ipfs-car pipeline, kubo-v1 + sync', value: rate(carKubo.seconds), unit: 'MB/s', note: `peak RSS ${carKubo.peakRssMb.toFixed(0)} MB; same root CID: ${sameRoot}` },
        { label: 'model publish, unixfs-v1-2025', value: rate(wide.seconds), unit: 'MB/s', note: `peak RSS ${wide.peakRssMb.toFixed(0)} MB` },
        { label: 'ipfs-car pack --no-wrap (1 MiB) + sync', value: rate(carWide.seconds), unit: 'MB/s', note: `peak RSS ${carWide.peakRssMb.toFixed(0)} MB` },
        { label: 'floor: tee copy | openssl sha256 + sync', value: rate(floor.seconds), unit: 'MB/s' },
        { label: 'floor, slow hasher: tee copy | sha256sum + sync', value: rate(floorSlowHash.seconds), unit: 'MB/s' },
        { label: 'model publish again (all blocks stored)', value: rate(again.seconds), unit: 'MB/s' },
      ]
      const ratios = [
        ratio('publish / ipfs-car, kubo-v1', carKubo.seconds / kubo.seconds, { op: '>=', value: 1 }, sidesOf(rows, 'model publish, kubo-v1 (whole command)', 'ipfs-car pipeline, kubo-v1 + sync')),
        ratio('publish / ipfs-car, unixfs-v1-2025', carWide.seconds / wide.seconds, { op: '>=', value: 1 }, sidesOf(rows, 'model publish, unixfs-v1-2025', 'ipfs-car pack --no-wrap (1 MiB) + sync')),
        ratio('publish / floor (openssl)', floor.seconds / kubo.seconds, { op: '>=', value: 0.85 }, sidesOf(rows, 'model publish, kubo-v1 (whole command)', 'floor: tee copy | openssl sha256 + sync')),
        ratio('publish / floor (sha256sum)', floorSlowHash.seconds / kubo.seconds, undefined, sidesOf(rows, 'model publish, kubo-v1 (whole command)', 'floor, slow hasher: tee copy | sha256sum + sync')),
      ]
      await rm(join(dir, 'home-kubo'), { recursive: true })
      await rm(join(dir, 'home-wide'), { recursive: true })
      await rm(file)

      if (bigMib > 0) {
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
