import { Flags } from '@oclif/core'
import { parseCid } from '../../../core/ipfs/formats/verify.js'
import { signerFlags } from '../../../cli/baseCommand.js'
import { ProposeCommand } from '../../../cli/proposeCommand.js'
import { proposeFlags } from '../../../cli/governance.js'
import type { ProposeReturnType } from '../../../core/actions/dao/propose.js'

export default class DaoProposeVersion extends ProposeCommand<typeof DaoProposeVersion> {
  static override summary = "Propose a new weights version (manifest CID) as the model's canonical one; opens its quality-staking round."
  static override description = 'Anyone may then stake for or against the candidate until its vote opens (`modeldao stake for|against`).'
  static override examples = ['<%= config.bin %> <%= command.id %> --model 1 --manifest bafyrei…', '<%= config.bin %> <%= command.id %> --model 1 --manifest bafyrei… --rationale "Trained on the datasets of proposal 3" --json']
  static override flags = { ...signerFlags, ...proposeFlags, manifest: Flags.string({ summary: 'Manifest CID of the new weights (`modeldao model publish` prints it).', required: true }) }

  async run(): Promise<ProposeReturnType> {
    const { flags } = this
    return this.proposeContent({ kind: 'version', manifestCid: parseCid(flags.manifest).toString() })
  }
}
