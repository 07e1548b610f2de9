import { getAddress, type Address, type Hex } from 'viem'
import type { ChainIndex } from './chainIndex.js'

/** Votes of one proposal, summed from its VoteCast events (decimal strings of shares). */
export type Tally = { for: string; against: string; abstain: string; voters: number }

/** A proposal as the index knows it: its creation and the lifecycle events seen since. */
export type IndexedProposal = {
  modelId: number
  proposalId: number
  proposer: Address
  targets: Address[]
  values: string[]
  calldatas: Hex[]
  description: string
  /** First line of the description without its `#`. */
  title: string
  /** The snapshot block: votes are read at it; voting opens right after it. */
  voteStart: number
  /** The last block of voting. */
  voteEnd: number
  createdBlock: number
  createdTx: string
  /** Unix seconds from which a queued proposal can be executed. */
  eta?: number | undefined
  executedBlock?: number | undefined
  canceledBlock?: number | undefined
  tally: Tally
}

export type IndexedVote = { voter: Address; support: 0 | 1 | 2; weight: string; reason: string; block: number; tx: string }

/** One staker's stakes in one proposal's round, and what happened to them. */
export type IndexedStake = { modelId: number; proposalId: number; staker: Address; forAmount: string; againstAmount: string; claimed?: string | undefined }

/** A proposal's quality-staking round. */
export type IndexedRound = {
  modelId: number
  proposalId: number
  manifestCid: string
  cutBps: number
  expiresAt: number
  totalFor: string
  totalAgainst: string
  stakers: number
  resolved?: { outcome: number; prize: string; cut: string } | undefined
}

type EventRow = { block: number; tx: string; name: string; model_id: number; args: string }
type Args = Record<string, string | number | boolean | string[]>

/** A proposal's title: the first non-empty line of its description, without its Markdown `#`. */
export const titleOf = (description: string) => {
  const line = description.split('\n').find((l) => l.trim()) ?? ''
  return line.replace(/^#+\s*/, '').trim() || '(untitled)'
}

/** Events of `contract` named `names`, oldest first; one model's, one proposal's (proposal ids are stored as text). */
function rows(index: ChainIndex, contract: string, names: readonly string[], filter: { modelId?: number | undefined; proposalId?: number | undefined } = {}): (EventRow & { a: Args })[] {
  const byModel = filter.modelId === undefined ? '' : ' AND model_id = ?'
  const byProposal = filter.proposalId === undefined ? '' : " AND json_extract(args, '$.proposalId') = ?"
  const sql = `SELECT block, tx, name, model_id, args FROM events WHERE contract = ? AND name IN (${names.map(() => '?').join(', ')})${byModel}${byProposal} ORDER BY block, log_index`
  const params: (string | number)[] = [contract, ...names]
  if (filter.modelId !== undefined) params.push(filter.modelId)
  if (filter.proposalId !== undefined) params.push(String(filter.proposalId))
  return (index.db.prepare(sql).all(...params) as EventRow[]).map((row) => ({ ...row, a: JSON.parse(row.args) as Args }))
}

const key = (modelId: number, proposalId: number | string) => `${modelId}/${proposalId}`

/** Every proposal (of one model, or of all), oldest first, with its tallies. */
export function indexedProposals(index: ChainIndex, filter: { modelId?: number | undefined; proposalId?: number | undefined } = {}): IndexedProposal[] {
  const proposals = new Map<string, IndexedProposal>()
  const names = ['ProposalCreated', 'ProposalQueued', 'ProposalExecuted', 'ProposalCanceled', 'VoteCast', 'VoteCastWithParams']
  for (const row of rows(index, 'ModelGovernor', names, filter)) {
    const { a } = row
    if (row.name === 'ProposalCreated') {
      const description = String(a.description)
      proposals.set(key(row.model_id, String(a.proposalId)), {
        modelId: row.model_id,
        proposalId: Number(a.proposalId),
        proposer: getAddress(String(a.proposer)),
        targets: (a.targets as string[]).map((t) => getAddress(t)),
        values: a.values as string[],
        calldatas: a.calldatas as Hex[],
        description,
        title: titleOf(description),
        voteStart: Number(a.voteStart),
        voteEnd: Number(a.voteEnd),
        createdBlock: row.block,
        createdTx: row.tx,
        tally: { for: '0', against: '0', abstain: '0', voters: 0 },
      })
      continue
    }
    const proposal = proposals.get(key(row.model_id, String(a.proposalId)))
    if (!proposal) continue
    if (row.name === 'ProposalQueued') proposal.eta = Number(a.etaSeconds)
    else if (row.name === 'ProposalExecuted') proposal.executedBlock = row.block
    else if (row.name === 'ProposalCanceled') proposal.canceledBlock = row.block
    else {
      const side = (['against', 'for', 'abstain'] as const)[Number(a.support)]!
      proposal.tally[side] = (BigInt(proposal.tally[side]) + BigInt(String(a.weight))).toString()
      proposal.tally.voters += 1
    }
  }
  return [...proposals.values()]
}

/** One proposal of one model, if the index has it. */
export function indexedProposal(index: ChainIndex, modelId: number, proposalId: number): IndexedProposal | undefined {
  return indexedProposals(index, { modelId, proposalId })[0]
}

/** The models that have a proposal with this id (sequential ids repeat across models). */
export function modelsWithProposal(index: ChainIndex, proposalId: number): number[] {
  return rows(index, 'ModelGovernor', ['ProposalCreated'], { proposalId }).map((row) => row.model_id)
}

/** The votes cast on a proposal, in order. */
export function indexedVotes(index: ChainIndex, modelId: number, proposalId: number): IndexedVote[] {
  return rows(index, 'ModelGovernor', ['VoteCast', 'VoteCastWithParams'], { modelId, proposalId }).map((row) => ({ voter: getAddress(String(row.a.voter)), support: Number(row.a.support) as 0 | 1 | 2, weight: String(row.a.weight), reason: String(row.a.reason ?? ''), block: row.block, tx: row.tx }))
}

/** Models with a DAO: model id → governor, timelock, votes view. */
export function indexedDaos(index: ChainIndex): { modelId: number; governor: Address; timelock: Address; votes: Address; timelockDelay: number }[] {
  const list = index.db.prepare('SELECT model_id, governor, timelock, votes, timelock_delay FROM daos ORDER BY model_id').all() as {
    model_id: number
    governor: string
    timelock: string
    votes: string
    timelock_delay: number
  }[]
  return list.map((r) => ({ modelId: r.model_id, governor: getAddress(r.governor), timelock: getAddress(r.timelock), votes: getAddress(r.votes), timelockDelay: r.timelock_delay }))
}

/** Every quality-staking round (of one model, or all), with totals from the Staked events. */
export function indexedRounds(index: ChainIndex, filter: { modelId?: number | undefined; proposalId?: number | undefined } = {}): IndexedRound[] {
  const rounds = new Map<string, IndexedRound & { stakerSet: Set<string> }>()
  for (const row of rows(index, 'QualityStaking', ['RoundOpened', 'Staked', 'RoundResolved'], filter)) {
    const { a } = row
    const k = key(row.model_id, String(a.proposalId))
    if (row.name === 'RoundOpened') {
      rounds.set(k, { modelId: row.model_id, proposalId: Number(a.proposalId), manifestCid: String(a.manifestCid), cutBps: Number(a.cutBps), expiresAt: Number(a.expiresAt), totalFor: '0', totalAgainst: '0', stakers: 0, stakerSet: new Set() })
      continue
    }
    const round = rounds.get(k)
    if (!round) continue
    if (row.name === 'Staked') {
      if (a.support) round.totalFor = (BigInt(round.totalFor) + BigInt(String(a.amount))).toString()
      else round.totalAgainst = (BigInt(round.totalAgainst) + BigInt(String(a.amount))).toString()
      round.stakerSet.add(String(a.staker))
      round.stakers = round.stakerSet.size
    } else round.resolved = { outcome: Number(a.outcome), prize: String(a.prize), cut: String(a.cut) }
  }
  return [...rounds.values()].map(({ stakerSet: _, ...round }) => round)
}

/** An account's stakes (all models, or one), per proposal, with what it claimed. */
export function indexedStakes(index: ChainIndex, staker: Address, filter: { modelId?: number | undefined } = {}): IndexedStake[] {
  const who = staker.toLowerCase()
  const stakes = new Map<string, IndexedStake>()
  for (const row of rows(index, 'QualityStaking', ['Staked', 'StakeClaimed'], { modelId: filter.modelId })) {
    const { a } = row
    if (String(a.staker) !== who) continue
    const k = key(row.model_id, String(a.proposalId))
    let stake = stakes.get(k)
    if (!stake) {
      stake = { modelId: row.model_id, proposalId: Number(a.proposalId), staker: getAddress(staker), forAmount: '0', againstAmount: '0' }
      stakes.set(k, stake)
    }
    if (row.name === 'Staked') {
      if (a.support) stake.forAmount = (BigInt(stake.forAmount) + BigInt(String(a.amount))).toString()
      else stake.againstAmount = (BigInt(stake.againstAmount) + BigInt(String(a.amount))).toString()
    } else stake.claimed = (BigInt(stake.claimed ?? '0') + BigInt(String(a.amount))).toString()
  }
  return [...stakes.values()]
}
