import { Box, Text } from 'ink'
import type { ProposalRow } from '../client.js'
import { paint, stateColor } from '../theme.js'
import { TallyBar } from './TallyBar.js'

const when = (p: ProposalRow, block: number) =>
  p.state === 'pending' ? `opens in ${p.voteStart - block + 1} blk` : p.state === 'active' ? `${p.voteEnd - block} blk left` : ''

const fit = (text: string, width: number) => (text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text.padEnd(width))

/** Proposals grouped by state (the order listProposals gives: active first), scrolled to keep the selection visible. */
export function ProposalList({ proposals, selected, block, width, height }: { proposals: ProposalRow[]; selected: number; block: number; width: number; height: number }) {
  if (!proposals.length) return <Text {...paint('muted')}>No proposals here. Propose with `modeldao dao propose dataset|version|params --model &lt;id&gt;`.</Text>
  // One line per group header and per proposal; the window follows the selected proposal.
  const lines: ({ kind: 'header'; state: string } | { kind: 'row'; index: number })[] = []
  proposals.forEach((p, index) => {
    if (index === 0 || proposals[index - 1]!.state !== p.state) lines.push({ kind: 'header', state: p.state })
    lines.push({ kind: 'row', index })
  })
  const at = lines.findIndex((l) => l.kind === 'row' && l.index === selected)
  const start = Math.max(0, Math.min(at - Math.floor(height / 2), lines.length - height))
  // Fixed columns: marker 2, id 9, state 11 + 1, bar 10 + quorum marks 5 + 2 spaces, time 14.
  const titleWidth = Math.max(10, width - 54)
  return (
    <Box flexDirection="column">
      {lines.slice(start, start + height).map((line) => {
        if (line.kind === 'header') {
          const count = proposals.filter((p) => p.state === line.state).length
          return (
            <Text key={`h-${line.state}`} bold {...paint(stateColor(line.state))}>
              {line.state.toUpperCase()} ({count})
            </Text>
          )
        }
        const p = proposals[line.index]!
        const isSelected = line.index === selected
        return (
          <Text key={`${p.modelId}-${p.proposalId}`} inverse={isSelected} wrap="truncate-end">
            {isSelected ? '▸ ' : '  '}
            {fit(`M${p.modelId} #${p.proposalId}`, 9)}
            <Text {...paint(stateColor(p.state))}>{fit(p.state, 11)}</Text> {fit(p.title, titleWidth)} <TallyBar votes={p.tally} width={10} quorum={p.quorum} superQuorum={p.superQuorum} /> {fit(when(p, block), 14)}
          </Text>
        )
      })}
    </Box>
  )
}
