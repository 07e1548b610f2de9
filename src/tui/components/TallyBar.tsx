import { Text } from 'ink'
import { tallyCells } from '../../core/governance/status.js'
import { paint } from '../theme.js'

/** For / against / abstain as a bar of `width` cells (+ - ~), then Q✓/Q… for the quorum and S✓/S… for the super quorum. */
export function TallyBar({ votes, width, quorum, superQuorum }: { votes: { for: string; against: string; abstain: string }; width: number; quorum?: string | undefined; superQuorum?: string | undefined }) {
  const f = BigInt(votes.for)
  const x = BigInt(votes.abstain)
  const [cf, ca, cx] = tallyCells(votes, width)
  const empty = width - cf - ca - cx
  const reached = quorum !== undefined && f + x >= BigInt(quorum)
  const early = superQuorum !== undefined && f >= BigInt(superQuorum)
  return (
    <Text>
      <Text {...paint('for')}>{'+'.repeat(cf)}</Text>
      <Text {...paint('against')}>{'-'.repeat(ca)}</Text>
      <Text {...paint('abstain')}>{'~'.repeat(cx)}</Text>
      <Text {...paint('muted')}>{'·'.repeat(empty)}</Text>
      {quorum !== undefined ? <Text {...paint(reached ? 'success' : 'muted')}>{reached ? ' Q✓' : ' Q…'}</Text> : null}
      {superQuorum !== undefined ? <Text {...paint(early ? 'success' : 'muted')}>{early ? 'S✓' : 'S…'}</Text> : null}
    </Text>
  )
}
