import { Flags } from '@oclif/core'
import { parseCid } from '../../../core/ipfs/formats/verify.js'
import { signerFlags } from '../../../cli/baseCommand.js'
import { ProposeCommand } from '../../../cli/proposeCommand.js'
import { proposeFlags } from '../../../cli/governance.js'
import type { ProposeReturnType } from '../../../core/actions/dao/propose.js'

export default class DaoProposeDataset extends ProposeCommand<typeof DaoProposeDataset> {
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
    // Recorded on chain for good: a typo or a placeholder must not get there. Canonical form (the string parsed).
    const cid = parseCid(flags.cid).toString()
    const descriptionCid = flags['description-cid'] ? parseCid(flags['description-cid']).toString() : ''
    return this.proposeContent(
      flags.remove
        ? { kind: 'dataset-removal', cid }
        : { kind: 'dataset', dataset: { cid, name: flags.name!, license: flags.license, sizeBytes: BigInt(flags.size), descriptionCid } },
    )
  }
}
