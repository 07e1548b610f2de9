import { Box, Text } from 'ink'
import type { Dialog } from '../hooks/state.js'
import { paint } from '../theme.js'

const choice = (label: string, on: boolean, meaning: 'for' | 'against' | 'abstain') => (
  <Text {...(on ? paint(meaning) : paint('muted'))} inverse={on}>
    {` ${label} `}
  </Text>
)

/** The open dialog: what it asks and which keys answer it. */
export function DialogView({ dialog, canRelay, votingPower }: { dialog: Dialog; canRelay: boolean; votingPower?: string | undefined }) {
  let body: React.ReactNode
  let keys: string
  switch (dialog.kind) {
    case 'vote': {
      const ref = `proposal ${dialog.proposalId} of model ${dialog.modelId}`
      if (dialog.step === 'choose') {
        body = (
          <Text>
            Vote on {ref}: {choice('for', dialog.support === 'for', 'for')} {choice('against', dialog.support === 'against', 'against')} {choice('abstain', dialog.support === 'abstain', 'abstain')}
          </Text>
        )
        keys = '←/→ or f/a/b choose · Enter next · Esc cancel'
      } else if (dialog.step === 'reason') {
        body = <Text>Reason (optional): {dialog.reason}█</Text>
        keys = 'type · Enter next · Esc cancel'
      } else {
        body = (
          <Text>
            Vote <Text bold {...paint(dialog.support)}>{dialog.support.toUpperCase()}</Text> on {ref}
            {votingPower ? ` with ${votingPower} votes` : ''}
            {dialog.reason ? ` — "${dialog.reason}"` : ''}
            {dialog.bySignature ? ' · by signature (a relayer pays the gas)' : ''}?
          </Text>
        )
        keys = `y/Enter confirm${canRelay ? ' · g toggle by-signature' : ''} · Esc cancel`
      }
      break
    }
    case 'delegate':
      body = <Text>Delegate your votes in model {dialog.modelId} to (address or keystore; empty = yourself): {dialog.to}█</Text>
      keys = 'type · Enter delegate · Esc cancel'
      break
    case 'stake':
      if (dialog.step === 'side') {
        body = (
          <Text>
            Stake on proposal {dialog.proposalId} of model {dialog.modelId}: {choice('for', dialog.side === 'for', 'for')} {choice('against', dialog.side === 'against', 'against')}
          </Text>
        )
        keys = '←/→ or f/a choose · Enter next · Esc cancel'
      } else if (dialog.step === 'amount') {
        body = <Text>Amount of the payment token: {dialog.amount}█</Text>
        keys = 'type · Enter next · Esc cancel'
      } else {
        body = (
          <Text>
            Stake {dialog.amount} <Text bold {...paint(dialog.side)}>{dialog.side.toUpperCase()}</Text> proposal {dialog.proposalId} of model {dialog.modelId}?
          </Text>
        )
        keys = 'y/Enter confirm · Esc cancel'
      }
      break
    case 'step':
      body = (
        <Text>
          {dialog.step === 'queue' ? 'Queue' : 'Execute'} proposal {dialog.proposalId} of model {dialog.modelId}?
        </Text>
      )
      keys = 'y/Enter confirm · Esc cancel'
      break
    case 'password':
      body = (
        <Text>
          Password for {dialog.purpose}: {'*'.repeat(dialog.input.length)}█
        </Text>
      )
      keys = 'Enter unlock · Esc cancel'
      break
  }
  return (
    <Box flexDirection="column" borderStyle="round" {...(paint('accent').color ? { borderColor: paint('accent').color } : {})} paddingX={1}>
      {body}
      <Text {...paint('muted')}>{keys}</Text>
    </Box>
  )
}
