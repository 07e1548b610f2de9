import { erc20Abi, type Address, type Hash } from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
import type { ModeldaoError } from '../../errors/base.js'
import { TransactionFailedError } from '../../chain/errors.js'
import type { TransactionProgress } from '../../chain/protocol/write.js'
import { termsInTokenUnits, type ModelTerms, type ModelTermsOnChain } from '../../models/terms.js'
import { writeProtocol } from '../chain/writeProtocol.js'

/** Terms in the units of the deployment's payment token (reads its symbol and decimals). @throws {TermsInvalidError} */
export async function termsOnChain(ctx: ModeldaoContext, terms: ModelTerms): Promise<ModelTermsOnChain> {
  const [connection, deployments] = await Promise.all([ctx.chain(), ctx.deployments()])
  const token = { address: deployments.paymentToken, abi: erc20Abi } as const
  const [symbol, decimals] = await Promise.all([
    connection.publicClient.readContract({ ...token, functionName: 'symbol' }),
    connection.publicClient.readContract({ ...token, functionName: 'decimals' }),
  ])
  return termsInTokenUnits(terms, { symbol, decimals })
}

export type RegisterModelParams = { manifestCid: string; terms: ModelTermsOnChain; onProgress?: ((event: TransactionProgress) => void) | undefined }
export type RegisterModelReturnType = {
  modelId: string
  manifestCid: string
  transactionHash: Hash
  creator: Address
  blockNumber: string
  /** True when the manifest was already registered: nothing was sent, this is the existing model. */
  alreadyRegistered: boolean
}
/** REVERT_MODEL_SHARES_* (decoded before anything is sent), INSUFFICIENT_FUNDS, signer and chain errors. */
export type RegisterModelErrorType = ModeldaoError

/**
 * Registers a published manifest on chain: `ModelShares.createModel` mints the whole supply to the signer.
 * @example const { modelId } = await registerModel(md, { manifestCid, terms: await termsOnChain(md, DEFAULT_TERMS) })
 */
export async function registerModel(ctx: ModeldaoContext, params: RegisterModelParams): Promise<RegisterModelReturnType> {
  const { terms } = params
  const { hash, receipt, events } = await writeProtocol(ctx, {
    contract: 'ModelShares',
    functionName: 'createModel',
    args: [params.manifestCid, terms.supply, terms.royaltyBps, terms.feeShareBps, terms.pricePerRequest],
    onProgress: params.onProgress,
  })
  const created = events.find((event) => event.eventName === 'ModelCreated')
  if (!created || created.eventName !== 'ModelCreated') throw new TransactionFailedError(`createModel succeeded but emitted no ModelCreated event (transaction ${hash}).`)
  return { modelId: created.args.id.toString(), manifestCid: params.manifestCid, transactionHash: hash, creator: created.args.creator, blockNumber: receipt.blockNumber.toString(), alreadyRegistered: false }
}

/**
 * The model already registered with this manifest CID, if any (a manifest names its creator, so the same CID means the
 * same creator and the same files). Reads ModelCreated events from the deployment block on.
 */
export async function findRegisteredModel(ctx: ModeldaoContext, manifestCid: string): Promise<RegisterModelReturnType | undefined> {
  const [connection, deployments, shares] = await Promise.all([ctx.chain(), ctx.deployments(), ctx.contract('ModelShares')])
  const events = await connection.publicClient.getContractEvents({
    address: shares.address,
    abi: shares.abi,
    eventName: 'ModelCreated',
    fromBlock: BigInt(deployments.contracts.ModelShares?.blockNumber ?? 0),
    strict: true,
  })
  const found = events.find((event) => event.args.manifestCid === manifestCid)
  if (!found) return undefined
  return {
    modelId: found.args.id.toString(),
    manifestCid,
    transactionHash: found.transactionHash,
    creator: found.args.creator,
    blockNumber: found.blockNumber.toString(),
    alreadyRegistered: true,
  }
}
