import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import type { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'

/** The DAG is not a UnixFS file (another codec, or a directory). */
export class NotAFileError extends Error {
  override name = 'NotAFileError'
}

/**
 * The bytes of a UnixFS file, in order, from a DAG whose blocks are all local. Unlike a DAG walk this does not skip
 * repeated blocks: a file of identical chunks links the same leaf many times.
 */
export async function* fileContent(root: CID, load: (cid: CID) => Uint8Array | Promise<Uint8Array>): AsyncGenerator<Uint8Array> {
  const stack: CID[] = [root]
  while (stack.length > 0) {
    const cid = stack.pop()!
    const bytes = await load(cid)
    if (cid.code === raw.code) {
      yield bytes
      continue
    }
    if (cid.code !== dagPb.code) throw new NotAFileError(`${cid} is not UnixFS (codec 0x${cid.code.toString(16)})`)
    const node = dagPb.decode(bytes)
    if (node.Data) {
      const unixfs = UnixFS.unmarshal(node.Data)
      if (unixfs.type !== 'file' && unixfs.type !== 'raw') throw new NotAFileError(`${cid} is a UnixFS ${unixfs.type}, not a file`)
      if (unixfs.data && unixfs.data.byteLength > 0) yield unixfs.data
    }
    for (let i = node.Links.length - 1; i >= 0; i--) stack.push(node.Links[i]!.Hash)
  }
}
