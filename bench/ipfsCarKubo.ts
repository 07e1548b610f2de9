// `ipfs-car pack --no-wrap <file> --output <car>` with the DAG settings as arguments: ipfs-car 3.1's CLI hard-codes
// 1 MiB chunks and 1024 links (its unixfs.js), so comparing it with publish's kubo profile needs this. Same pipeline
// as the CLI (files-from-path read stream -> ipfs-car's encoder stream -> CAR encoder -> file, roots patched after).
// Usage: node bench/ipfsCarKubo.ts <file> <out.car> [chunkSize=262144] [maxChildren=174]; prints the root CID.
import { createWriteStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { Writable } from 'node:stream'
import { CarWriter } from '@ipld/car/writer'
import * as UnixFS from '@ipld/unixfs'
import { withMaxChunkSize } from '@ipld/unixfs/file/chunker/fixed'
import { withWidth } from '@ipld/unixfs/file/layout/balanced'
import { filesFromPaths } from 'files-from-path'
import { CAREncoderStream, createFileEncoderStream } from 'ipfs-car'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'

const [file, output, chunkSize = '262144', maxChildren = '174'] = process.argv.slice(2)
if (!file || !output) throw new Error('usage: ipfsCarKubo.ts <file> <out.car> [chunkSize] [maxChildren]')
const settings = UnixFS.configure({
  fileChunkEncoder: raw,
  smallFileEncoder: raw,
  chunker: withMaxChunkSize(Number(chunkSize)),
  fileLayout: withWidth(Number(maxChildren)),
})
const [blob] = await filesFromPaths([file])
const car = new CAREncoderStream([CID.parse('bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi')])
await createFileEncoderStream(blob!, settings).pipeThrough(car).pipeTo(Writable.toWeb(createWriteStream(output)))
const root = car.finalBlock!.cid
const fd = await open(output, 'r+')
await CarWriter.updateRootsInFile(fd as never, [root as CID])
await fd.close()
console.log(root.toString())
