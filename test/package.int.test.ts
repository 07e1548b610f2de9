// The library as a user gets it: `npm pack`, install the tarball into a scratch project, import 'modeldao' and
// 'modeldao/ipfs' from plain ESM, and publish a file. Internals stay behind the exports map.
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const root = fileURLToPath(new URL('..', import.meta.url))

describe('the packed package (npm pack → npm install → import)', () => {
  let scratch: string
  let packed: { filename: string; files: { path: string }[] }
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'modeldao-pack-'))
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', scratch], { cwd: root, maxBuffer: 64 * 1024 * 1024 })
    packed = JSON.parse(stdout.slice(stdout.indexOf('[')))[0]
    await writeFile(join(scratch, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module', dependencies: { modeldao: `file:./${packed.filename}` } }))
    // Dependencies come from the local npm cache that `npm ci` filled, as a user's install would (optional ones too).
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: scratch, maxBuffer: 64 * 1024 * 1024 })
  }, 300_000)
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true })
  })

  it('ships the built library, the CLI and the contracts, without tests or mock contracts', () => {
    const paths = packed.files.map((file) => file.path)
    for (const expected of ['dist/index.js', 'dist/index.d.ts', 'dist/ipfs.js', 'dist/contracts.js', 'bin/run.js', 'oclif.manifest.json', 'contracts/shares/ModelShares.sol']) {
      expect(paths).toContain(expected)
    }
    expect(paths.filter((path) => path.startsWith('test/') || path.startsWith('contracts/mocks/') || path.startsWith('src/'))).toEqual([])
  })

  it("publishes a file with `import { createModeldao, publishModel } from 'modeldao'`", async () => {
    const script = `
      import { writeFile } from 'node:fs/promises'
      import { createModeldao, publishModel, ModeldaoError, errorCatalogue } from 'modeldao'
      import { parseCid } from 'modeldao/ipfs'
      import { protocolArtifacts } from 'modeldao/contracts'
      await writeFile('hello.txt', 'hello world\\n')
      const md = createModeldao({ home: './home' })
      try {
        const result = await publishModel(md, { inputs: ['hello.txt'], name: 'from-the-tarball', ipfsOnly: true })
        let internal = 'importable'
        await import('modeldao/dist/core/ipfs/storage/repo.js').catch((error) => (internal = error.code))
        console.log(JSON.stringify({
          manifestCid: parseCid(result.manifestCid).toString(),
          fileCid: result.manifest.files[0].cid,
          errorBase: typeof ModeldaoError, codes: Object.keys(errorCatalogue).length,
          contracts: Object.keys(protocolArtifacts), internal,
        }))
      } finally {
        await md.dispose()
      }
    `
    await writeFile(join(scratch, 'use.mjs'), script)
    const { stdout } = await run(process.execPath, ['use.mjs'], { cwd: scratch })
    const result = JSON.parse(stdout)
    // kubo's CIDv1 of "hello world\n" (raw leaves): the same bytes give the same CID through the packed library.
    expect(result.fileCid).toBe('bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4')
    expect(result.manifestCid).toMatch(/^bafk/)
    expect(result.errorBase).toBe('function')
    expect(result.codes).toBeGreaterThan(40)
    expect(result.contracts).toEqual(expect.arrayContaining(['ModelShares', 'ShareOffering', 'PaymentChannels', 'ExactPayments', 'NodeRegistry']))
    expect(result.internal).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED')
  })
})
