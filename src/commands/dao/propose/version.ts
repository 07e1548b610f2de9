import { Flags } from '@oclif/core'
import { BaseCommand, signerFlags } from '../../../cli/baseCommand.js'
import { descriptionEditor, proposeFlags, proposedLines } from '../../../cli/governance.js'
import { propose, type ProposeReturnType } from '../../../core/actions/dao/propose.js'
import { readDescriptionFile } from '../../../core/governance/description.js'

export default class DaoProposeVersion extends BaseCommand<typeof DaoProposeVersion> {
  static override summary = "Propose a new weights version (manifest CID) as the model's canonical one; opens its quality-staking round."
  static override description = 'Anyone may then stake for or against the candidate while the vote is active (`modeldao stake for|against`).'
  static override examples = ['<%= config.bin %> <%= command.id %> --model 1 --manifest bafyrei…', '<%= config.bin %> <%= command.id %> --model 1 --manifest bafyrei… --rationale "Trained on the datasets of proposal 3" --json']
  static override flags = { ...signerFlags, ...proposeFlags, manifest: Flags.string({ summary: 'Manifest CID of the new weights (`modeldao model publish` prints it).', required: true }) }

  async run(): Promise<ProposeReturnType> {
    const { flags } = this
    const description = flags['description-file'] ? await readDescriptionFile(flags['description-file']) : undefined
    const result = await propose(this.ctx, { modelId: flags.model, content: { kind: 'version', manifestCid: flags.manifest }, description, rationale: flags.rationale,
      edit: descriptionEditor(flags.edit, this.jsonEnabled()), onProgress: (e) => this.transactionProgress(e) })
    for (const line of proposedLines(result)) this.log(line)
    for (const warning of result.warnings ?? []) this.note(warning)
    return result
  }
}
