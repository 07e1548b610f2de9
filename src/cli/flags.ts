import { Flags } from '@oclif/core'

/** A new model's terms on chain, as typed by a creator (parsed and range-checked by `parseModelTerms`). */
export const modelTermsFlags = {
  supply: Flags.string({ summary: 'Number of shares to mint to you.', default: '1000000' }),
  royalty: Flags.string({ summary: 'Royalty on secondary sales, percent (0-25).', default: '5' }),
  'fee-share': Flags.string({ summary: "Shareholders' cut of every paid request, percent (0-100).", default: '70' }),
  price: Flags.string({ summary: 'Price per request in the payment token (e.g. 0.002).', default: '0.001' }),
}
