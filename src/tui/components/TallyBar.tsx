import { Text } from 'ink'
import { paint } from '../theme.js'

/** For / against / abstain as a bar of `width` cells (+ - ~), then Q✓/Q… for the quorum and S✓/S… for the super quorum. */
export function TallyBar({ votes, width, quorum, superQuorum }: { votes: { for: string; against: string; abstain: string }; width: number; quorum?: string | undefined; superQuorum?: string | undefined }) {
  const f = BigInt(votes.for)
  const a = BigInt(votes.against)
  const x = BigInt(votes.abstain)
  const total = f + a + x
  // Floors per side; the cells rounding leaves go to the largest side, so a bar of votes is always full.
  const sides = [f, a, x].map((n) => (total === 0n ? 0 : Number((n * BigInt(width)) / total)))
  if (total > 0n) {
    const largest = [f, a, x].indexOf([f, a, x].reduce((m, n) => (n > m ? n : m)))
    sides[largest]! += width - sides.reduce((sum, n) => sum + n, 0)
  }
  const [cf, ca, cx] = sides as [number, number, number]
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
