import { randomBytes } from 'node:crypto'
import { mkdir, open, rename, rm } from 'node:fs/promises'
import { dirname, join, basename } from 'node:path'

export type AtomicWriteOptions = {
  /** File mode of the new file (default 0o644). */
  mode?: number
  /** Fail with EEXIST instead of replacing an existing file. */
  exclusive?: boolean
}

/**
 * Writes a file so that readers see either the old content or the whole new content, never a torn file: write a
 * temporary sibling, fsync it, then rename (or link, when `exclusive`) it into place.
 */
export async function atomicWriteFile(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}) {
  await mkdir(dirname(path), { recursive: true })
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  const handle = await open(temp, 'wx', options.mode ?? 0o644)
  try {
    await handle.writeFile(data)
    await handle.sync()
  } finally {
    await handle.close()
  }
  try {
    if (options.exclusive) {
      // link() fails if the target exists, unlike rename(): no window where a concurrent writer is overwritten.
      const { link } = await import('node:fs/promises')
      await link(temp, path)
      await rm(temp)
    } else {
      await rename(temp, path)
    }
  } catch (error) {
    await rm(temp, { force: true })
    throw error
  }
}
