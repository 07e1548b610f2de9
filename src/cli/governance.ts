import { spawnSync } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Flags } from '@oclif/core'
import { ModeldaoError } from '../core/errors/base.js'
import { tallyCells } from '../core/governance/status.js'
import type { ProposeReturnType } from '../core/actions/dao/propose.js'

/** --model: the model a proposal belongs to (ids are sequential per model). */
export const proposalModelFlag = {
  model: Flags.string({ summary: 'Model of the proposal (needed when several models have a proposal with this id).' }),
}

/** Flags every `dao propose` command shares. */
export const proposeFlags = {
  model: Flags.string({ summary: 'Model id whose DAO decides.', required: true }),
  'description-file': Flags.file({ summary: 'Markdown description (first line: `# Title`); default: the template of the kind, filled in.', exists: false }),
  rationale: Flags.string({ summary: 'Why: the "Why" section of the templated description.' }),
  edit: Flags.boolean({ summary: 'Open the description in $VISUAL / $EDITOR (default vi) before proposing (terminal only).', default: false }),
}

/**
 * The description editor for --edit: writes the draft to a temporary .md file, runs $VISUAL / $EDITOR on it with the
 * terminal attached, and reads it back. Undefined without --edit.
 */
export function descriptionEditor(edit: boolean, json: boolean): ((draft: string) => Promise<string>) | undefined {
  if (!edit) return undefined
  if (json || !process.stdin.isTTY || !process.stdout.isTTY) throw new ModeldaoError('USAGE', '--edit needs a terminal (and no --json).', { hints: ['Write the description to a file and pass --description-file.'] })
  return async (draft) => {
    const folder = await mkdtemp(join(tmpdir(), 'modeldao-proposal-'))
    const file = join(folder, 'description.md')
    try {
      await writeFile(file, draft)
      const editor = process.env.VISUAL || process.env.EDITOR || 'vi'
      const result = spawnSync(`${editor} "${file}"`, { stdio: 'inherit', shell: true })
      if (result.status !== 0) throw new ModeldaoError('CANCELLED', `The editor (${editor}) exited with status ${result.status}; nothing was proposed.`)
      return await readFile(file, 'utf8')
    } finally {
      await rm(folder, { recursive: true, force: true })
    }
  }
}

/** A bar of `width` cells: + for, - against, ~ abstain, · none cast. */
export function tallyBar(votes: { for: string; against: string; abstain: string }, width = 20): string {
  const [f, a, x] = tallyCells(votes, width)
  return `${'+'.repeat(f)}${'-'.repeat(a)}${'~'.repeat(x)}${'·'.repeat(width - f - a - x)}`
}

/** "12 of 40 (30%)" progress towards a quorum; "not yet known" before the snapshot. */
export function progress(value: bigint, target: string | undefined): string {
  if (target === undefined) return 'known once voting opens'
  const t = BigInt(target)
  const pct = t === 0n ? 100 : Number((value * 10_000n) / t) / 100
  return `${value} of ${t} (${pct}%)${value >= t ? ' reached' : ''}`
}

/** The lines a proposal prints when created. */
export function proposedLines(result: ProposeReturnType): string[] {
  const lines = [
    `Proposal ${result.proposalId} of model ${result.modelId}: ${result.title}`,
    ...result.actions.map((a) => `  - ${a.text}`),
    `Voting opens after block ${result.voteStart} and ends at block ${result.voteEnd} (transaction ${result.transactionHash}).`,
  ]
  if (result.stakingRound) lines.push(`Quality staking is open on it until its vote opens: \`modeldao stake for|against ${result.proposalId} --model ${result.modelId} --amount N\`.`)
  return lines
}
