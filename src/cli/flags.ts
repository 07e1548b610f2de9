import { Flags } from '@oclif/core'
import { cidProfiles, DEFAULT_CID_PROFILE } from '../core/ipfs/formats/cidProfiles.js'

/** A new model's terms on chain, as typed by a creator (parsed and range-checked by `parseModelTerms`). */
export const modelTermsFlags = {
  supply: Flags.string({ summary: 'Number of shares to mint to you.', default: '1000000' }),
  royalty: Flags.string({ summary: 'Royalty on secondary sales, percent (0-25).', default: '5' }),
  'fee-share': Flags.string({ summary: "Shareholders' cut of every paid request, percent (0-100).", default: '70' }),
  price: Flags.string({ summary: 'Price per request in the payment token (e.g. 0.002).', default: '0.001' }),
}

/** What goes into a model card besides its files and name. */
export const modelCardFlags = {
  description: Flags.string({ summary: 'One-paragraph description.' }),
  license: Flags.string({ summary: 'License (SPDX id such as apache-2.0).' }),
  architecture: Flags.string({ summary: 'Architecture (default: from the GGUF header).' }),
  dataset: Flags.string({ summary: 'A dataset the model was trained on (repeatable).', multiple: true }),
  parent: Flags.string({ summary: 'Manifest CID of the previous version.' }),
  'created-at': Flags.string({ summary: 'Record this time (ISO 8601, or "now") in the card; without it the manifest CID depends on content only.' }),
  'cid-profile': Flags.string({ summary: 'DAG parameters for the CIDs.', options: Object.keys(cidProfiles), default: DEFAULT_CID_PROFILE }),
  card: Flags.file({ summary: 'JSON template with card defaults (description, license, datasets).', exists: true }),
  readme: Flags.file({ summary: 'Markdown template for the card text ({{name}}, {{files}}, …).', exists: true }),
}

/** An address flag: a string the core checks (ADDRESS_INVALID names the flag). */
export const addressFlag = (options: { summary: string }) => Flags.string({ ...options, helpValue: '0x…' })

/** --yes for commands that send transactions after a confirmation. */
export const yesFlag = { yes: Flags.boolean({ char: 'y', summary: 'Send without asking (needed under --json or without a terminal).', default: false }) }
