import { zeroAddress, type Address } from 'viem'
import type { ModeldaoContext } from '../context/context.js'
import { requireModel } from '../actions/shares/requireModel.js'
import type { ChainIndex } from '../index/chainIndex.js'
import { indexedProposal, modelsWithProposal, type IndexedProposal } from '../index/governanceQueries.js'
import type { GovernanceAddresses } from './actions.js'
import { DaoMissingError, ProposalUnknownError } from './errors.js'

/** A model's DAO: its governor (proposals, votes), timelock (the model's admin) and votes view. */
export type ModelDao = { modelId: number; governor: Address; timelock: Address; votes: Address; addresses: GovernanceAddresses }


/**
 * The DAO of a model, read from the chain (DaoFactory), not the index, so it is found in the block it was created.
 * @throws {ModelUnknownError} no such model. @throws {DaoMissingError} the model has no DAO.
 */
export async function requireDao(ctx: ModeldaoContext, modelId: number | string): Promise<ModelDao> {
  const id = await requireModel(ctx, modelId)
  const [connection, factory, shares, registry, staking] = await Promise.all([
    ctx.chain(),
    ctx.contract('DaoFactory'),
    ctx.contract('ModelShares'),
    ctx.contract('DatasetRegistry'),
    ctx.contract('QualityStaking'),
  ])
  const dao = await connection.publicClient.readContract({ address: factory.address, abi: factory.abi, functionName: 'daoOf', args: [BigInt(id)] })
  if (dao.governor === zeroAddress) throw new DaoMissingError(id)
  return {
    modelId: id,
    governor: dao.governor,
    timelock: dao.timelock,
    votes: dao.votes,
    addresses: { modelShares: shares.address, datasetRegistry: registry.address, qualityStaking: staking.address, governor: dao.governor },
  }
}

/** What a user types to name a proposal: its sequential id, and the model when ids repeat across models. */
export type ProposalRef = { proposalId: number | string; modelId?: number | string | undefined }

/**
 * Finds a proposal in the (synced) index. Ids are sequential per model: without a model, the id must name exactly one
 * proposal across all models.
 * @throws {ProposalUnknownError} no such proposal, or the id is ambiguous.
 */
export async function findProposal(ctx: ModeldaoContext, index: ChainIndex, ref: ProposalRef): Promise<IndexedProposal> {
  const text = String(ref.proposalId).trim()
  if (!/^\d+$/.test(text) || Number(text) === 0) throw new ProposalUnknownError(`"${text}"`, 'a proposal id is a positive whole number', ['Proposals are numbered 1, 2, 3… in each model; list them with `modeldao dao proposals`.'])
  const proposalId = Number(text)
  let modelId: number
  if (ref.modelId !== undefined) modelId = await requireModel(ctx, ref.modelId)
  else {
    const models = modelsWithProposal(index, proposalId)
    if (models.length === 0) throw new ProposalUnknownError(String(proposalId), 'no model has a proposal with this id')
    if (models.length > 1) {
      throw new ProposalUnknownError(String(proposalId), `models ${models.join(', ')} each have one`, [`Name the model: --model ${models[0]}.`])
    }
    modelId = models[0]!
  }
  const proposal = indexedProposal(index, modelId, proposalId)
  if (!proposal) throw new ProposalUnknownError(`${proposalId} of model ${modelId}`, 'there is no such proposal', [`List them with \`modeldao dao proposals --model ${modelId}\`.`])
  return proposal
}
