import { describe, expect, it } from 'vitest'
import { demoNextSteps } from '../../src/commands/demo.js'

describe('demo next steps', () => {
  it('ends by saying what to do next, with the binary as it was run', () => {
    const lines = demoNextSteps('./bin/run.js')
    expect(lines).toContain('Next:')
    expect(lines.filter((l) => l.startsWith('  ./bin/run.js '))).toHaveLength(3)
    expect(lines.join('\n')).toMatch(/demo --keep .*terminal UI/)
  })
})
