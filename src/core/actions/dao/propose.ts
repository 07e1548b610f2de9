import type { Address, Hash } from 'viem'
import type { ModeldaoContext } from '../../context/context.js'
import { describeCause, type ModeldaoError } from '../../errors/base.js'
import type { TransactionProgress } from '../../chain/protocol/write.js'
import { readToken } from '../../shares/market.js'
import {
  datasetActions,
  descriptionHash,
  datasetRemovalActions,
  describeActions,
  paramsActions,
  quorumOrder,
  versionActions,
  type DatasetInput,
  type DecodedAction,
  type ParamsChange,
  type ProposalAction,
} from '../../governance/actions.js'
import { requireDao } from '../../governance/dao.js'
import { titleOf } from '../../index/governanceQueries.js'
import { renderDescription } from '../../governance/description.js'
import { BelowProposalThresholdError, ProposalInvalidError } from '../../governance/errors.js'
import { writeProtocol } from '../chain/writeProtocol.js'

/** What a proposal does: one of the kinds the CLI knows. */
export type ProposalContent =
  | { kind: 'dataset'; dataset: DatasetInput }
  | { kind: 'dataset-removal'; cid: string }
  | { kind: 'version'; manifestCid: string }
  | { kind: 'params'; change: ParamsChange }

export type ProposeParams = {
  modelId: number | string
  content: ProposalContent
  /** The full Markdown description; default: the template of the kind, filled in. */
  description?: string | undefined
  /** Why, for the template's "Why" section (ignored with `description`). */
  rationale?: string | undefined
  /** Lets the proposer edit the description before it is sent (the CLI opens an editor); returns the final text. */
  edit?: ((draft: string) => Promise<string>) | undefined
  onProgress?: ((event: TransactionProgress) => void) | undefined
}
export type ProposeReturnType = {
  modelId: number
  proposalId: number
  title: string
  description: string
  actions: DecodedAction[]
  /** Snapshot block (voting opens after it) and last block of voting. */
  voteStart: number
  voteEnd: number
  transactionHash: Hash
  /** Version proposals: the quality-staking round opened on it. */
  stakingRound?: { transactionHash: Hash } | undefined
  /** What went wrong after the proposal was created (it stands). */
  warnings?: string[] | undefined
}
/** MODEL_UNKNOWN, DAO_MISSING, PROPOSAL_INVALID, BELOW_PROPOSAL_THRESHOLD, REVERT_*. */
export type ProposeErrorType = ModeldaoError

/**
 * Proposes a change to a model's DAO: include (or remove) a dataset, promote a weights version (and open its
 * quality-staking round), or change parameters. The description is Markdown; its first line is the title.
 * @example const { proposalId } = await propose(md, { modelId: 1, content: { kind: 'version', manifestCid } })
 */
export async function propose(ctx: ModeldaoContext, params: ProposeParams): Promise<ProposeReturnType> {
  const dao = await requireDao(ctx, params.modelId)
  const [connection, shares, account, deployments] = await Promise.all([ctx.chain(), ctx.contract('ModelShares'), ctx.signer(), ctx.deployments()])
  const client = connection.publicClient
  const id = BigInt(dao.modelId)
  const content = params.content
  const token = await readToken(connection, deployments.paymentToken)

  let actions: ProposalAction[]
  let description = params.description
  if (content.kind === 'dataset') {
    const d = content.dataset
    if (!d.cid.trim() || !d.name.trim()) throw new ProposalInvalidError('A dataset needs a CID and a name.', 'Pass --cid and --name.')
    actions = datasetActions(dao.addresses, dao.modelId, d)
    description ??= await renderDescription('dataset', { modelId: dao.modelId, rationale: params.rationale, dataset: d })
  } else if (content.kind === 'dataset-removal') {
    actions = datasetRemovalActions(dao.addresses, dao.modelId, content.cid)
    description ??= `# Remove dataset ${content.cid} from model ${dao.modelId}\n\n${params.rationale?.trim() || '_The proposer gave no rationale._'}\n`
  } else if (content.kind === 'version') {
    if (!content.manifestCid.trim()) throw new ProposalInvalidError('A version proposal needs the new manifest CID.', 'Pass --manifest <cid> (publish the weights first: `modeldao model publish`).')
    actions = versionActions(dao.addresses, dao.modelId, content.manifestCid)
    const current = await client.readContract({ address: shares.address, abi: shares.abi, functionName: 'manifestCid', args: [id] })
    description ??= await renderDescription('version', { modelId: dao.modelId, rationale: params.rationale, manifestCid: content.manifestCid, currentManifestCid: current })
  } else {
    let order: 'super-first' | 'quorum-first' = 'super-first'
    if (content.change.quorumPercent !== undefined || content.change.superQuorumPercent !== undefined) {
      const governor = { address: dao.governor, abi: (await ctx.contract('ModelGovernor')).abi } as const
      const [quorum, superQuorum] = await Promise.all([client.readContract({ ...governor, functionName: 'quorumNumerator' }), client.readContract({ ...governor, functionName: 'superQuorumNumerator' })])
      const current = { quorum: Number(quorum), superQuorum: Number(superQuorum) }
      const found = quorumOrder(current, content.change)
      if (!found) {
        throw new ProposalInvalidError(
          `A quorum of ${content.change.quorumPercent ?? current.quorum}% with a super quorum of ${content.change.superQuorumPercent ?? current.superQuorum}% cannot be reached from ${current.quorum}% / ${current.superQuorum}%: the quorum must stay at most the super quorum.`,
          'Change both so that --quorum ≤ --super-quorum (or change them in two proposals).',
        )
      }
      order = found
    }
    actions = paramsActions(dao.addresses, dao.modelId, content.change, order)
    if (!actions.length) throw new ProposalInvalidError('A params proposal needs at least one change.', 'Pass e.g. --price, --fee-share, --voting-period or --quorum.')
    const words = describeActions(actions, dao.addresses, token).map((a) => a.text)
    description ??= await renderDescription('params', { modelId: dao.modelId, rationale: params.rationale, changes: words })
  }

  if (params.edit) description = await params.edit(description)
  if (!description.trim()) throw new ProposalInvalidError('The description is empty.', 'Write at least a `# Title` line.')

  const at = { address: dao.governor, abi: (await ctx.contract('ModelGovernor')).abi } as const
  const [threshold, votes] = await Promise.all([
    client.readContract({ ...at, functionName: 'proposalThreshold' }),
    client.readContract({ address: shares.address, abi: shares.abi, functionName: 'getVotes', args: [id, account.address] }),
  ])
  if (votes < threshold) throw new BelowProposalThresholdError(account.address, votes, threshold)

  const targets = actions.map((a) => a.target) as Address[]
  const values = actions.map((a) => a.value)
  const calldatas = actions.map((a) => a.calldata)
  const { hash, events } = await writeProtocol(ctx, { contract: 'ModelGovernor', at: dao.governor, functionName: 'propose', args: [targets, values, calldatas, description], onProgress: params.onProgress })
  const created = events.find((e) => e.eventName === 'ProposalCreated')
  if (created?.eventName !== 'ProposalCreated') throw new ProposalInvalidError('The governor created no proposal.', 'Report this with the transaction hash.')
  const proposalId = created.args.proposalId
  const result: ProposeReturnType = {
    modelId: dao.modelId,
    proposalId: Number(proposalId),
    title: titleOf(description),
    description,
    actions: describeActions(actions, dao.addresses, token),
    voteStart: Number(created.args.voteStart),
    voteEnd: Number(created.args.voteEnd),
    transactionHash: hash,
  }
  if (content.kind === 'version') {
    // Open the staking round now, while the proposal is pending: stakes are taken from the first block of voting. The
    // proposal exists whatever happens here; the first `stake` opens the round if this did not.
    try {
      const round = await writeProtocol(ctx, {
        contract: 'QualityStaking',
        functionName: 'openRound',
        args: [id, proposalId, targets, values, calldatas, descriptionHash(description)],
        onProgress: params.onProgress,
      })
      result.stakingRound = { transactionHash: round.hash }
    } catch (error) {
      result.warnings = [`The proposal was created, but its staking round was not opened (${describeCause(error)}); the first stake opens it.`]
    }
  }
  return result
}
