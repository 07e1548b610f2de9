import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import type { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { fileContent, NotAFileError } from '../ipfs/formats/fileContent.js'
import { parseCid } from '../ipfs/formats/verify.js'
import { parseManifest, type ModelManifest } from './manifest.js'
import { MANIFEST_SCHEMA } from './schema.js'

/** Manifests are small JSON files; anything larger under a root is not one. */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024

/**
 * The model card stored under `root`, or undefined when `root` is any other DAG (a weights file, a directory, JSON of
 * another schema). A missing block of the root itself throws: the caller cannot tell without it.
 * @throws {ManifestInvalidError} it claims the model card schema but breaks it.
 */
export async function manifestAt(root: CID, load: (cid: CID) => Uint8Array | Promise<Uint8Array>): Promise<ModelManifest | undefined> {
  // The root block tells the file's size: a weights file is ruled out without reading its leaves.
  if ((await declaredSize(root, load)) > MAX_MANIFEST_BYTES) return undefined
  const parts: Uint8Array[] = []
  let size = 0
  try {
    for await (const part of fileContent(root, load)) {
      size += part.byteLength
      if (size > MAX_MANIFEST_BYTES) return undefined
      parts.push(part)
    }
  } catch (error) {
    if (error instanceof NotAFileError) return undefined
    throw error
  }
  const text = Buffer.concat(parts)
  let schema: unknown
  try {
    schema = (JSON.parse(text.toString('utf8')) as { schema?: unknown } | null)?.schema
  } catch {
    return undefined
  }
  return schema === MANIFEST_SCHEMA ? parseManifest(text, `manifest ${root}`) : undefined
}

/** The DAG roots of a model's files, named for messages. */
export function manifestFileRoots(manifest: ModelManifest): { cid: CID; path: string; what: string }[] {
  return manifest.files.map((file) => ({ cid: parseCid(file.cid), path: file.path, what: `file ${file.path} of "${manifest.name}"` }))
}

/** Bytes a UnixFS root says it holds (a raw block: its own length); 0 when it is not a file, which fileContent reports. */
async function declaredSize(root: CID, load: (cid: CID) => Uint8Array | Promise<Uint8Array>): Promise<number> {
  const bytes = await load(root)
  if (root.code === raw.code) return bytes.byteLength
  if (root.code !== dagPb.code) return 0
  const data = dagPb.decode(bytes).Data
  return data ? Number(UnixFS.unmarshal(data).fileSize()) : 0
}
