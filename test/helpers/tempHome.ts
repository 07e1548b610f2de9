import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { homeLayout, type HomeLayout } from '../../src/core/home/paths.js'

/** A fresh home folder under the OS temp dir; `cleanup` removes it. */
export async function tempHome(prefix = 'modeldao-test-'): Promise<HomeLayout & { cleanup: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), prefix))
  return { ...homeLayout(root), cleanup: () => rm(root, { recursive: true, force: true }) }
}
