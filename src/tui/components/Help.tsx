import { Box, Text } from 'ink'
import { paint } from '../theme.js'

const KEYS: [string, string][] = [
  ['↑ ↓  j k', 'move in the list; scroll a description'],
  ['Enter', 'open the selected proposal'],
  ['v', 'vote for / against / abstain (with a reason, by signature when a relayer is set)'],
  ['d', "delegate your votes in the proposal's model"],
  ['s', 'stake for / against a version proposal'],
  ['Q  X', 'queue a passed proposal / execute a queued one'],
  ['/', 'filter the list (title, state, model); Enter keeps, Esc clears'],
  ['?', 'this help'],
  ['q  Esc', 'back; quit from the list'],
]

export function Help() {
  return (
    <Box flexDirection="column">
      <Text bold {...paint('title')}>
        Keys
      </Text>
      {KEYS.map(([key, what]) => (
        <Text key={key}>
          <Text {...paint('accent')}>{key.padEnd(10)}</Text> {what}
        </Text>
      ))}
      <Text> </Text>
      <Text {...paint('muted')}>The same actions without the TUI: `modeldao dao proposals|show|vote|delegate|queue|execute`, `modeldao stake`.</Text>
      <Text {...paint('muted')}>Press ?, q or Esc to close.</Text>
    </Box>
  )
}
