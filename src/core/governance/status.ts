import type { Address } from 'viem'
import type { ModeldaoContext } from '../context/context.js'
import { proposalStateNames } from '../chain/protocol/revertMessages.js'
import { protocolArtifacts } from '../chain/protocol/registry.js'
import type { IndexedProposal } from '../index/governanceQueries.js'
import type { ModelDao } from './dao.js'

export type ProposalState = (typeof proposalStateNames)[number]

/** Where a proposal stands now, read from its governor (the index gives its history; this gives the live state). */
export type ProposalStatus = {
  state: ProposalState
  /** Current block and its time (unix seconds). */
  block: number
  time: number
  votes: { for: string; against: string; abstain: string }
  /** Votes needed (for + abstain) at the snapshot; known once the snapshot block is past. */
  quorum?: string | undefined
  /** "For" votes that pass it before the end of the vote. */
  superQuorum?: string | undefined
  quorumReached: boolean
  superQuorumReached: boolean
  /** Unix seconds from which a queued proposal may be executed. */
  eta?: number | undefined
  /** The account asked about: its votes at the snapshot (current votes while the snapshot is ahead), and its vote. */
  account?: { address: Address; votingPower: string; atSnapshot: boolean; hasVoted: boolean } | undefined
}

/** Reads a proposal's live state, tallies, quorum and (optionally) one account's position. */
export async function readProposalStatus(ctx: ModeldaoContext, dao: ModelDao, proposal: IndexedProposal, account?: Address): Promise<ProposalStatus> {
  const connection = await ctx.chain()
  const client = connection.publicClient
  const at = { address: dao.governor, abi: protocolArtifacts.ModelGovernor.abi } as const
  const id = BigInt(proposal.proposalId)
  const [head, state, votes, eta] = await Promise.all([
    client.getBlock({ blockTag: 'latest' }),
    client.readContract({ ...at, functionName: 'state', args: [id] }),
    client.readContract({ ...at, functionName: 'proposalVotes', args: [id] }),
    client.readContract({ ...at, functionName: 'proposalEta', args: [id] }),
  ])
  const block = Number(head.number)
  const snapshotPast = proposal.voteStart < block
  const snapshot = BigInt(proposal.voteStart)
  const [quorum, superQuorum] = snapshotPast
    ? await Promise.all([client.readContract({ ...at, functionName: 'quorum', args: [snapshot] }), client.readContract({ ...at, functionName: 'superQuorum', args: [snapshot] })])
    : [undefined, undefined]
  const [against, forVotes, abstain] = votes
  const status: ProposalStatus = {
    state: proposalStateNames[state]!,
    block,
    time: Number(head.timestamp),
    votes: { for: forVotes.toString(), against: against.toString(), abstain: abstain.toString() },
    quorum: quorum?.toString(),
    superQuorum: superQuorum?.toString(),
    quorumReached: quorum !== undefined && forVotes + abstain >= quorum,
    superQuorumReached: superQuorum !== undefined && forVotes >= superQuorum,
    eta: eta ? Number(eta) : undefined,
  }
  if (account) {
    const shares = await ctx.contract('ModelShares')
    const [power, hasVoted] = await Promise.all([
      snapshotPast
        ? client.readContract({ ...at, functionName: 'getVotes', args: [account, snapshot] })
        : client.readContract({ address: shares.address, abi: shares.abi, functionName: 'getVotes', args: [BigInt(dao.modelId), account] }),
      client.readContract({ ...at, functionName: 'hasVoted', args: [id, account] }),
    ])
    status.account = { address: account, votingPower: power.toString(), atSnapshot: snapshotPast, hasVoted }
  }
  return status
}

/** "starts at block N (in K blocks)", "ends at block N", "executable from <time>": where the proposal is in time. */
export function timeLeft(proposal: Pick<IndexedProposal, 'voteStart' | 'voteEnd'>, status: Pick<ProposalStatus, 'state' | 'block' | 'time' | 'eta'>): string {
  if (status.state === 'pending') return `voting starts after block ${proposal.voteStart} (in ${proposal.voteStart - status.block + 1} blocks)`
  if (status.state === 'active') return `voting ends at block ${proposal.voteEnd} (${proposal.voteEnd - status.block} blocks left)`
  if (status.state === 'queued' && status.eta !== undefined) {
    const wait = status.eta - status.time
    return wait > 0 ? `executable at ${new Date(status.eta * 1000).toISOString()} (in ${wait} s)` : 'executable now'
  }
  if (status.state === 'succeeded') return 'passed: queue it'
  return status.state
}

/**
 * How many of `width` cells a bar gives for / against / abstain: floors per side, the cells rounding leaves go to the
 * largest side, so a bar of cast votes is always full (and an empty tally gives none).
 */
export function tallyCells(votes: { for: string; against: string; abstain: string }, width: number): [number, number, number] {
  const sides = [BigInt(votes.for), BigInt(votes.against), BigInt(votes.abstain)]
  const total = sides.reduce((sum, n) => sum + n, 0n)
  if (total === 0n) return [0, 0, 0]
  const cells = sides.map((n) => Number((n * BigInt(width)) / total)) as [number, number, number]
  const largest = sides.indexOf(sides.reduce((m, n) => (n > m ? n : m)))
  cells[largest as 0 | 1 | 2] += width - cells[0] - cells[1] - cells[2]
  return cells
}
