// Colours by meaning, in one place. NO_COLOR (any value) turns every colour off; the layout does not change.

const noColor = () => process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== ''

const palette = {
  title: 'cyanBright',
  accent: 'cyan',
  muted: 'gray',
  for: 'green',
  against: 'red',
  abstain: 'yellow',
  error: 'red',
  success: 'green',
  warning: 'yellow',
  selected: 'cyan',
  active: 'green',
  pending: 'yellow',
  passed: 'cyan',
  failed: 'red',
  done: 'gray',
} as const

export type ThemeColor = keyof typeof palette

/** Props that colour an Ink `<Text>` by meaning (`<Text {...paint('error')}>`); none under NO_COLOR. */
export function paint(meaning: ThemeColor): { color?: string } {
  return noColor() ? {} : { color: palette[meaning] }
}

/** The meaning a proposal state is shown with. */
export function stateColor(state: string): ThemeColor {
  if (state === 'active') return 'active'
  if (state === 'pending') return 'pending'
  if (state === 'succeeded' || state === 'queued') return 'passed'
  if (state === 'defeated' || state === 'canceled' || state === 'expired') return 'failed'
  return 'done'
}
