import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as UnixFS from '@ipld/unixfs'
import * as Balanced from '@ipld/unixfs/file/layout/balanced'
import * as Fixed from '@ipld/unixfs/file/chunker/fixed'
import * as raw from 'multiformats/codecs/raw'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { unixfs } from '@helia/unixfs'
import { createHeliaLight } from 'helia'
import { cidProfile, importerOptions, type CidProfileName } from '../../../src/core/ipfs/formats/cidProfiles.js'
import { importFile } from '../../../src/core/ipfs/formats/importFile.js'
import { openRepo, type IpfsRepo } from '../../../src/core/ipfs/storage/repo.js'
import { seededBytes } from '../../helpers/bytes.js'

/** The CID that @ipld/unixfs (an independent UnixFS implementation) builds with the same DAG parameters. */
async function ipldUnixfsCid(bytes: Uint8Array, chunkSize: number, width: number): Promise<string> {
  const { readable, writable } = new TransformStream<UnixFS.Block, UnixFS.Block>({}, UnixFS.withCapacity(64 * 1024 * 1024))
  const drained = (async () => {
    const reader = readable.getReader()
    while (!(await reader.read()).done) {
      // Blocks are not needed, only the root.
    }
  })()
  const writer = UnixFS.createWriter({
    writable: writable as never,
    settings: UnixFS.configure({
      chunker: Fixed.withMaxChunkSize(chunkSize),
      fileLayout: Balanced.withWidth(width),
      // Leaves as blocks of the raw codec (kubo's --raw-leaves, implied by --cid-version=1).
      fileChunkEncoder: raw,
      smallFileEncoder: raw,
    }),
  })
  const file = writer.createFileWriter()
  await file.write(bytes)
  const link = await file.close()
  await writer.close()
  await drained
  return link.cid.toString()
}

describe('CIDs match kubo and an independent UnixFS implementation', { timeout: 60_000 }, () => {
  let dir: string
  let repo: IpfsRepo
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modeldao-cid-'))
    repo = openRepo(join(dir, 'repo'))
  })
  afterAll(async () => {
    await repo.close()
    await rm(dir, { recursive: true, force: true })
  })

  const cidOf = async (bytes: Uint8Array, profile: CidProfileName = 'kubo-v1') => {
    const path = join(dir, `f-${bytes.length}-${profile}`)
    await writeFile(path, bytes)
    return (await importFile(repo.blockstore, path, cidProfile(profile))).cid.toString()
  }

  // Vectors from kubo: `ipfs add --cid-version=1` of an empty file and of "hello world\n".
  it('empty file = kubo', async () => {
    expect(await cidOf(new Uint8Array())).toBe('bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku')
  })

  it('"hello world\\n" = kubo', async () => {
    expect(await cidOf(new TextEncoder().encode('hello world\n'))).toBe('bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4')
  })

  it.each([
    ['exactly one chunk', 262_144],
    ['one chunk and a byte', 262_145],
    ['several chunks', 3 * 262_144 + 1000],
    ['174 chunks: one full level', 174 * 262_144],
    ['175 chunks: a second level', 174 * 262_144 + 1],
  ])('kubo-v1 (256 KiB, 174 links), %s = @ipld/unixfs', async (_, size) => {
    const bytes = seededBytes(size, `kubo-${size}`)
    expect(await cidOf(bytes, 'kubo-v1')).toBe(await ipldUnixfsCid(bytes, 262_144, 174))
  })

  it.each([
    ['one chunk', 1_048_576],
    ['several chunks', 3 * 1_048_576 + 12_345],
  ])('unixfs-v1-2025 (1 MiB, 1024 links), %s = @ipld/unixfs', async (_, size) => {
    const bytes = seededBytes(size, `v2025-${size}`)
    expect(await cidOf(bytes, 'unixfs-v1-2025')).toBe(await ipldUnixfsCid(bytes, 1_048_576, 1024))
  })

  it("equals Helia's own @helia/unixfs given the same parameters (both profiles)", async () => {
    const helia = createHeliaLight()
    try {
      const fs = unixfs(helia)
      const bytes = seededBytes(5 * 262_144 + 99, 'helia')
      for (const name of ['kubo-v1', 'unixfs-v1-2025'] as const) {
        const helias = await fs.addBytes(bytes, importerOptions(cidProfile(name)))
        expect(await cidOf(bytes, name)).toBe(helias.toString())
      }
    } finally {
      await helia.stop()
    }
  })

  it('the two profiles give different CIDs for a multi-chunk file', async () => {
    const bytes = seededBytes(2 * 1_048_576 + 7, 'both')
    expect(await cidOf(bytes, 'kubo-v1')).not.toBe(await cidOf(bytes, 'unixfs-v1-2025'))
  })
})
