import type { Command } from '@oclif/core'
import { propose, type ProposalContent, type ProposeReturnType } from '../core/actions/dao/propose.js'
import { readDescriptionFile } from '../core/governance/description.js'
import { BaseCommand } from './baseCommand.js'
import { descriptionEditor, proposedLines } from './governance.js'

/** The flag values of `proposeFlags`, which every `dao propose` command has. */
type ProposeFlagValues = { model: string; 'description-file'?: string | undefined; rationale?: string | undefined; edit: boolean }

/** A `dao propose <kind>` command: it builds the content; proposing, describing and printing are shared. */
export abstract class ProposeCommand<T extends typeof Command> extends BaseCommand<T> {
  protected async proposeContent(content: ProposalContent): Promise<ProposeReturnType> {
    const flags = this.flags as unknown as ProposeFlagValues
    const description = flags['description-file'] ? await readDescriptionFile(flags['description-file']) : undefined
    const result = await propose(this.ctx, {
      modelId: flags.model,
      content,
      description,
      rationale: flags.rationale,
      edit: descriptionEditor(flags.edit, this.jsonEnabled()),
      onProgress: (e) => this.transactionProgress(e),
    })
    for (const line of proposedLines(result)) this.log(line)
    for (const warning of result.warnings ?? []) this.note(warning)
    return result
  }
}
