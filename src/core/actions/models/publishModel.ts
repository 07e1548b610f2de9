import type { Address } from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
import type { TransactionProgress } from '../../chain/protocol/write.js'
import { CancelledError, DiskFullError, InterruptedError, type ModeldaoError } from '../../errors/base.js'
import { parseCid } from '../../ipfs/formats/verify.js'
import { publishToIpfs, type PublishProgress, type PublishToIpfsParams } from '../../models/publish.js'
import { DEFAULT_TERMS, type ModelTerms, type ModelTermsOnChain } from '../../models/terms.js'
import { findRegisteredModel, registerModel, termsOnChain, type RegisterModelReturnType } from './registerModel.js'
import type { ModelManifest } from '../../models/manifest.js'

/** What is about to be sent, for the caller's confirmation. */
export type RegistrationSummary = { name: string; manifestCid: string; chainId: number; account: Address; terms: ModelTermsOnChain }

export type PublishModelParams = Omit<PublishToIpfsParams, 'repo' | 'creator' | 'onProgress'> & {
  /** Only publish to IPFS; do not create the model on chain. */
  ipfsOnly?: boolean | undefined
  /** Supply, royalty, fee share and price (defaults: 1,000,000 shares, 5%, 70%, 0.001). */
  terms?: Partial<ModelTerms> | undefined
  /** Asked after the IPFS publish and before the transaction; false cancels. Without it, nothing is asked. */
  confirm?: ((summary: RegistrationSummary) => Promise<boolean>) | undefined
  onProgress?: ((event: PublishProgress | TransactionProgress) => void) | undefined
}
export type PublishModelReturnType = { manifestCid: string; manifest: ModelManifest; bytes: number; seconds: number; model?: RegisterModelReturnType }
/**
 * TERMS_INVALID, chain and signer errors (checked before any import work), PUBLISH_* input errors, GGUF_MALFORMED,
 * INTERRUPTED, DISK_FULL, CANCELLED, CONFIRMATION_REQUIRED, INSUFFICIENT_FUNDS, REVERT_*.
 */
export type PublishModelErrorType = ModeldaoError

/**
 * Publishes weights to the local IPFS repo with a model card manifest and, unless `ipfsOnly`, registers the manifest
 * on chain as a new model whose whole share supply is minted to the signer. Chain problems (no RPC, no deployment,
 * bad terms, no signer) fail before any import work; an interrupted publish resumes on a re-run.
 * @example
 * const { manifestCid, model } = await publishModel(md, { inputs: ['./weights'], name: 'tiny-llama', terms: { supply: 1000n } })
 */
export async function publishModel(ctx: ModeldaoContext, params: PublishModelParams): Promise<PublishModelReturnType> {
  let chain: { terms: ModelTermsOnChain; account: Address; chainId: number } | undefined
  if (!params.ipfsOnly) {
    const terms = await termsOnChain(ctx, { ...DEFAULT_TERMS, ...params.terms })
    const account = (await ctx.signer()).address
    chain = { terms, account, chainId: (await ctx.chain()).chainId }
  }
  const repo = ctx.repo()
  const pinnedBefore = new Set(repo.pins().map((pin) => pin.cid))
  let published
  try {
    published = await publishToIpfs({ ...params, repo, creator: chain?.account, onProgress: params.onProgress })
  } catch (error) {
    if (params.signal?.aborted) throw new InterruptedError('Publishing', 'Blocks stored so far are kept: run the same command again to finish (it reuses them).')
    if ((error as NodeJS.ErrnoException).code === 'ENOSPC') {
      throw new DiskFullError(ctx.home.ipfs, 'Free space (`modeldao ipfs gc` drops unpinned blocks), then run the same command again: finished blocks are reused.')
    }
    throw error
  }
  if (!chain) return published
  // The same files, card and creator give the same manifest CID: publishing again is a no-op, not a second model.
  const existing = await findRegisteredModel(ctx, published.manifestCid)
  if (existing) return { ...published, model: existing }
  const summary: RegistrationSummary = { name: published.manifest.name, manifestCid: published.manifestCid, ...chain }
  try {
    if (params.confirm && !(await params.confirm(summary))) throw new CancelledError()
    const model = await registerModel(ctx, { manifestCid: published.manifestCid, terms: chain.terms, onProgress: params.onProgress })
    return { ...published, model }
  } catch (error) {
    // Declined or failed on chain: drop the pins this publish added for itself (the blocks stay until `ipfs gc`, so a
    // re-run is as fast); pins that were there before are kept.
    for (const cid of [published.manifestCid, ...published.manifest.files.map((file) => file.cid)]) {
      if (!pinnedBefore.has(cid)) repo.unpin(parseCid(cid))
    }
    throw error
  }
}
