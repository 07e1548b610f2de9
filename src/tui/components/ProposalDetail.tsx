import { Box, Text } from 'ink'
import type { ProposalView } from '../../core/actions/dao/getProposal.js'
import { formatToken } from '../../core/shares/market.js'
import { paint, stateColor } from '../theme.js'
import { Markdown, markdownLines } from './markdown.js'
import { TallyBar } from './TallyBar.js'

const pct = (value: bigint, target: string | undefined) => {
  if (target === undefined) return 'known once voting opens'
  const t = BigInt(target)
  const p = t === 0n ? 100 : Number((value * 1000n) / t) / 10
  return `${value}/${t} (${p}%)${value >= t ? ' ✓' : ''}`
}

/** The header lines of a proposal (fixed) and its description (scrolled). */
export function ProposalDetail({ view, width, height, scroll }: { view: ProposalView; width: number; height: number; scroll: number }) {
  const s = view.status
  const forVotes = BigInt(s.votes.for)
  const you = s.account
  const round = view.round
  const header: React.ReactNode[] = [
    <Text key="id" wrap="truncate-end">
      <Text bold>
        Proposal {view.proposalId} · model {view.modelId}
      </Text>{' '}
      · <Text {...paint(stateColor(s.state))}>{s.state}</Text> · {view.kind} · {view.timeLeft}
    </Text>,
    <Text key="title" bold wrap="truncate-end" {...paint('title')}>
      {view.title.slice(0, width)}
    </Text>,
    ...view.actions.map((a, i) => (
      <Text key={`a${i}`} wrap="truncate-end">
        → {a.text}
      </Text>
    )),
    <Text key="votes" wrap="truncate-end">
      <TallyBar votes={s.votes} width={20} quorum={s.quorum} superQuorum={s.superQuorum} />{' '}
      <Text {...paint('for')}>for {s.votes.for}</Text> · <Text {...paint('against')}>against {s.votes.against}</Text> ·{' '}
      <Text {...paint('abstain')}>abstain {s.votes.abstain}</Text>
    </Text>,
    <Text key="quorum" wrap="truncate-end">
      quorum {pct(forVotes + BigInt(s.votes.abstain), s.quorum)} · super quorum {pct(forVotes, s.superQuorum)}
    </Text>,
    <Text key="you" wrap="truncate-end" {...paint(you?.hasVoted ? 'success' : 'muted')}>
      {you ? `you: ${you.votingPower} votes${you.atSnapshot ? ' at the snapshot' : ' now'}${you.hasVoted ? ' · voted' : ' · not voted'}` : 'you: no account (read only)'}
    </Text>,
  ]
  if (round) {
    const outcome = round.resolved ? ['open', 'for won', 'against won', 'refunded'][round.resolved.outcome] : 'open'
    header.push(
      <Text key="stakes" wrap="truncate-end">
        stakes: for {formatToken(round.totalFor, view.paymentToken)} · against {formatToken(round.totalAgainst, view.paymentToken)} · {round.stakers} stakers · {outcome}
      </Text>,
    )
  }
  const room = Math.max(1, height - header.length - 1)
  const total = markdownLines(view.description, width).length
  const offset = Math.max(0, Math.min(scroll, total - room))
  return (
    <Box flexDirection="column">
      {header}
      <Text wrap="truncate-end" {...paint('muted')}>
        {`── description${total > room ? ` (${offset + 1}-${Math.min(total, offset + room)} of ${total}, j/k scroll)` : ''} `.padEnd(width - 1, '─')}
      </Text>
      <Markdown markdown={view.description} width={width} height={room} offset={offset} />
    </Box>
  )
}
