import { Flags } from '@oclif/core'
import { BaseCommand, signerFlags } from '../../../cli/baseCommand.js'
import { descriptionEditor, proposeFlags, proposedLines } from '../../../cli/governance.js'
import { propose, type ProposeReturnType } from '../../../core/actions/dao/propose.js'
import { readDescriptionFile } from '../../../core/governance/description.js'

export default class DaoProposeDataset extends BaseCommand<typeof DaoProposeDataset> {
  static override summary = "Propose including a dataset in a model's next training run (or removing one)."
  static override description = 'The description is templates/proposals/dataset.md filled in, unless --description-file is given.'
  static override examples = [
    '<%= config.bin %> <%= command.id %> --model 1 --cid bafkrei… --name "Tiny stories" --license CC-BY-4.0 --size 1048576',
    '<%= config.bin %> <%= command.id %> --model 1 --cid bafkrei… --name "Tiny stories" --description-file why.md --json',
    '<%= config.bin %> <%= command.id %> --model 1 --remove --cid bafkrei…',
  ]
  static override flags = {
    ...signerFlags,
    ...proposeFlags,
    cid: Flags.string({ summary: "The dataset's IPFS CID.", required: true }),
    name: Flags.string({ summary: "The dataset's name (required unless --remove)." }),
    license: Flags.string({ summary: 'SPDX identifier or free text.', default: '' }),
    size: Flags.string({ summary: 'Size in bytes.', default: '0' }),
    'description-cid': Flags.string({ summary: 'IPFS CID of a longer description of the dataset.', default: '' }),
    remove: Flags.boolean({ summary: 'Propose removing the dataset instead.', default: false }),
  }

  async run(): Promise<ProposeReturnType> {
    const { flags } = this
    if (!/^\d+$/.test(flags.size)) this.error('--size must be a whole number of bytes.', { exit: 2 })
    if (!flags.remove && !flags.name) this.error('--name is required (the dataset\'s name).', { exit: 2 })
    const description = flags['description-file'] ? await readDescriptionFile(flags['description-file']) : undefined
    const result = await propose(this.ctx, {
      modelId: flags.model,
      content: flags.remove
        ? { kind: 'dataset-removal', cid: flags.cid }
        : { kind: 'dataset', dataset: { cid: flags.cid, name: flags.name!, license: flags.license, sizeBytes: BigInt(flags.size), descriptionCid: flags['description-cid'] } },
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
