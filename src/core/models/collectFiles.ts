import { constants } from 'node:fs'
import { access, lstat, readdir, realpath, stat } from 'node:fs/promises'
import { basename, join, relative, sep } from 'node:path'
import { PublishInputError } from './errors.js'

export type SourceFile = { /** Path in the manifest (POSIX, relative). */ path: string; /** Where to read it. */ absolute: string; size: number }


/**
 * Lists the files to publish from files and directories (recursively, following symlinks, refusing loops).
 * Manifest paths are relative to each given directory, or the file's name for a given file.
 * @throws {PublishInputError} missing path, unreadable file, symlink loop, empty directory, duplicate path.
 */
export async function collectFiles(inputs: readonly string[]): Promise<SourceFile[]> {
  if (inputs.length === 0) throw new PublishInputError('PUBLISH_NO_INPUT', 'Nothing to publish.', 'Name a weights file or directory.')
  const files: SourceFile[] = []

  async function walk(dir: string, root: string, ancestors: Set<string>) {
    const real = await realpath(dir)
    if (ancestors.has(real)) {
      throw new PublishInputError('PUBLISH_SYMLINK_LOOP', `Symlink loop at ${dir} (it leads back to ${real}).`, 'Remove the looping link or publish a folder without it.')
    }
    const inner = new Set(ancestors).add(real)
    const entries = (await readdir(dir)).sort()
    for (const name of entries) {
      const full = join(dir, name)
      let info
      try {
        info = await stat(full)
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code
        if (code === 'ELOOP') throw new PublishInputError('PUBLISH_SYMLINK_LOOP', `Symlink loop at ${full}.`, 'Remove the looping link.')
        if (code === 'ENOENT' && (await lstat(full)).isSymbolicLink()) {
          throw new PublishInputError('PUBLISH_BROKEN_LINK', `${full} is a symlink to nothing.`, 'Fix or remove the link.')
        }
        throw error
      }
      if (info.isDirectory()) await walk(full, root, inner)
      else if (info.isFile()) files.push({ path: relative(root, full).split(sep).join('/'), absolute: full, size: info.size })
    }
  }

  for (const input of inputs) {
    let info
    try {
      info = await stat(input)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'ELOOP') throw new PublishInputError('PUBLISH_SYMLINK_LOOP', `Symlink loop at ${input}.`, 'Remove the looping link.')
      throw new PublishInputError('PUBLISH_PATH_MISSING', `${input} does not exist.`, 'Check the path (relative paths are from the current folder).')
    }
    if (info.isDirectory()) {
      const before = files.length
      await walk(input, input, new Set())
      if (files.length === before) throw new PublishInputError('PUBLISH_EMPTY_DIR', `${input} holds no files.`, 'Publish a folder with the weights in it.')
    } else if (info.isFile()) {
      files.push({ path: basename(input), absolute: input, size: info.size })
    } else {
      throw new PublishInputError('PUBLISH_NOT_A_FILE', `${input} is neither a file nor a directory.`, 'Publish regular files or folders.')
    }
  }

  const seen = new Map<string, string>()
  for (const file of files) {
    const other = seen.get(file.path)
    if (other) throw new PublishInputError('PUBLISH_DUPLICATE_PATH', `Two inputs map to "${file.path}": ${other} and ${file.absolute}.`, 'Publish one folder, or rename one file.')
    seen.set(file.path, file.absolute)
    try {
      await access(file.absolute, constants.R_OK)
    } catch {
      throw new PublishInputError('PUBLISH_UNREADABLE', `Cannot read ${file.absolute}.`, 'Fix its permissions (it needs to be readable by you).')
    }
  }
  return files
}
