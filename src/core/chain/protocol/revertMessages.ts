import type { ProtocolErrorName } from './registry.js'

/** A custom error's arguments, by their Solidity names. */
export type RevertArgs = Record<string, unknown>
/** How a custom error reads to a user: one sentence with its arguments, and what to do about it. */
export type RevertMessage = { message: (args: RevertArgs) => string; hint: string }

const time = (seconds: unknown) => new Date(Number(seconds) * 1000).toISOString()
const bps = (value: unknown) => `${Number(value) / 100}%`

/**
 * Every custom error of every protocol contract, as a sentence. The type makes a missing entry a compile error, and a
 * test walks the generated ABIs so a new Solidity error cannot ship without its message.
 */
export const revertMessages: Record<ProtocolErrorName, RevertMessage> = {
  // ModelShares
  ModelSharesEmptyManifest: { message: () => 'The model needs a manifest CID; an empty one was given', hint: 'Publish the weights first and pass the manifest CID.' },
  ModelSharesInvalidSupply: { message: (a) => `A share supply of ${a.supply} is out of range (1 to ${a.max})`, hint: 'Choose a supply within the range (--supply).' },
  ModelSharesInvalidBps: { message: (a) => `${bps(a.bps)} is above the maximum of ${bps(a.max)}`, hint: 'Lower the royalty or fee share.' },
  ModelSharesUnknownModel: { message: (a) => `There is no model ${a.id}`, hint: 'Check the model id (`modeldao model info <id>`).' },
  ModelSharesUnauthorized: { message: (a) => `${a.caller} may not change model ${a.id}`, hint: "Sign with the model's creator (or its governance) account." },
  ModelSharesZeroAddress: { message: () => 'The zero address was given where an account is needed', hint: 'Pass a real address.' },
  ModelSharesZeroAmount: { message: () => 'The amount is zero', hint: 'Pass an amount above zero.' },
  ModelSharesFeeCapExceeded: { message: (a) => `Model ${a.id} would hold ${a.cumulative} in fees, above the cap of ${a.max}`, hint: 'Holders must claim before more fees can be deposited.' },
  ModelSharesFutureLookup: { message: (a) => `Votes at timepoint ${a.timepoint} are asked for, but the clock is only at ${a.clock}`, hint: 'Ask for a past timepoint.' },
  ModelSharesSnapshotNotRegistered: { message: (a) => `Model ${a.id} has no vote snapshot at timepoint ${a.timepoint}`, hint: 'Past votes exist only at registered snapshots (made when a proposal is created).' },
  ModelSharesInvalidPaymentToken: { message: () => 'The payment token is the zero address', hint: 'Deploy with --payment-token set to the address of an ERC-20 stablecoin.' },
  // ShareOffering
  ShareOfferingZeroAmount: { message: () => 'The number of shares is zero', hint: 'Offer or buy at least one share.' },
  ShareOfferingInvalidPrice: { message: (a) => `A price of ${a.pricePerShare} per share is not accepted`, hint: 'Set a price above zero.' },
  ShareOfferingAmountTooLarge: { message: (a) => `${a.amount} shares is more than an offering can hold`, hint: 'Offer fewer shares.' },
  ShareOfferingInvalidWindow: { message: (a) => `The sale window ${time(a.start)} to ${time(a.end)} is invalid`, hint: 'The end must come after the start, and the start must not be in the past.' },
  ShareOfferingInvalidPaymentToken: { message: (a) => `${a.token} is not a payment token`, hint: 'Price the offering in an ERC-20 token (the deployment\'s payment token by default).' },
  ShareOfferingNotActive: { message: (a) => `Offering ${a.offeringId} is not active`, hint: 'List the open offerings and pick an active one.' },
  ShareOfferingNotStarted: { message: (a) => `Offering ${a.offeringId} opens at ${time(a.start)}`, hint: 'Wait until it opens.' },
  ShareOfferingEnded: { message: (a) => `Offering ${a.offeringId} ended at ${time(a.end)}`, hint: 'Pick an offering that is still open.' },
  ShareOfferingNotEnded: { message: (a) => `Offering ${a.offeringId} runs until ${time(a.end)}`, hint: 'Unsold shares can be withdrawn once it has ended.' },
  ShareOfferingInsufficientShares: { message: (a) => `Offering ${a.offeringId} has ${a.remaining} shares left, ${a.requested} were asked for`, hint: 'Buy at most the remaining shares.' },
  ShareOfferingPriceExceedsMax: { message: (a) => `The shares cost ${a.cost}, above your maximum of ${a.maxTotalPrice}`, hint: 'The price changed or you asked too little: raise the maximum or buy fewer shares.' },
  ShareOfferingUnauthorized: { message: (a) => `${a.caller} may not manage offering ${a.offeringId}`, hint: "Sign with the offering's seller account." },
  ShareOfferingUnexpectedTransfer: { message: (a) => `The offering received shares it did not ask for (token ${a.token}, from ${a.operator})`, hint: 'Create an offering instead of sending shares to the contract.' },
  ShareOfferingZeroAddress: { message: () => 'The zero address was given where an account is needed', hint: 'Pass a real address.' },
  ModelSharesFeeShareChangePending: { message: (a) => `A fee-share change of model ${a.id} is pending or in its grace period until ${time(a.until)}`, hint: 'Schedule the next change after that time (or cancel the pending one).' },
  ModelSharesFeeShareStepTooLarge: { message: (a) => `A change of the fee share from ${bps(a.current)} to ${bps(a.requested)} moves more than ${bps(a.maxStep)} at once`, hint: 'Change it in steps, one scheduled change at a time.' },
  ModelSharesNoFeeSharePending: { message: (a) => `Model ${a.id} has no fee-share change waiting to take effect`, hint: 'Nothing to cancel.' },
  // PaymentChannels
  ChannelZeroAddress: { message: () => 'The zero address was given where an account is needed', hint: 'Pass a real address.' },
  ChannelWrongToken: { message: (a) => `Channels take the payment token ${a.expected}, not ${a.token}`, hint: "Open the channel in the deployment's payment token." },
  ChannelInvalidDelay: { message: (a) => `A withdrawal delay of ${a.delay} s is outside ${a.min}..${a.max} s`, hint: 'Pick a delay within the range (--withdrawal-delay).' },
  ChannelNotPayer: { message: (a) => `${a.caller} is not the channel's payer ${a.payer}`, hint: "Sign with the payer's account." },
  ChannelExists: { message: (a) => `Channel ${a.channelId} is open already`, hint: 'Deposit into it, or open another one with a new salt.' },
  ChannelUnknown: { message: (a) => `There is no channel ${a.channelId}`, hint: 'Check the channel id (`modeldao channel status`).' },
  ChannelZeroAmount: { message: () => 'The amount is zero', hint: 'Pass an amount above zero.' },
  ChannelInsufficientBalance: { message: (a) => `Channel ${a.channelId} can take or give ${a.available}, ${a.requested} was asked for`, hint: 'Ask for at most the channel balance.' },
  ChannelSettleFailed: { message: (a) => `The voucher for channel ${a.channelId} cannot settle (${['settled', 'partially settled', 'unknown channel', 'not the operator', 'nothing new', 'invalid signature', 'empty channel'][Number(a.status)] ?? a.status})`, hint: 'Settle only vouchers of your own channels that add to what was settled.' },
  ChannelNoWithdrawal: { message: (a) => `Channel ${a.channelId} has no withdrawal request`, hint: 'Request a withdrawal first (`modeldao channel withdraw`) and wait out the thaw.' },
  ChannelWithdrawalThawing: { message: (a) => `The withdrawal from channel ${a.channelId} thaws until ${time(a.thawEnd)} (now ${time(a.nowTimestamp)})`, hint: 'Withdraw after the thaw; the operator may settle meanwhile.' },
  ChannelWithdrawalLapsed: { message: (a) => `The withdrawal request of channel ${a.channelId} lapsed at ${time(a.deadline)}`, hint: 'Request the withdrawal again.' },
  ChannelNothingToWithdraw: { message: (a) => `${a.account} has nothing to withdraw`, hint: 'Check the balance before withdrawing.' },
  ChannelNotModelAdmin: { message: (a) => `${a.caller} is not the admin of model ${a.modelId}`, hint: "Sign with the model's admin account." },
  // ExactPayments
  ExactNotOperator: { message: (a) => `${a.caller} is not this receiver's operator`, hint: "Settle with the operator's own account." },
  ExactAlreadyBooked: { message: (a) => `The authorization ${a.nonce} of ${a.from} was booked already`, hint: 'Each authorization pays once.' },
  ExactNotReceived: { message: (a) => `The authorization ${a.nonce} of ${a.from} is used but its ${a.value} never arrived (${a.unbooked} unbooked)`, hint: 'The payer cancelled it: refuse the request.' },
  ExactAlreadyInitialized: { message: () => 'The receiver is set up already', hint: 'Nothing to do.' },
  ExactNothingToWithdraw: { message: () => 'Nothing to withdraw', hint: 'Check the balance before withdrawing.' },
  ExactNotModelAdmin: { message: (a) => `${a.caller} is not the admin of model ${a.modelId}`, hint: "Sign with the model's admin account." },
  // NodeRegistry
  NodeRegistryUnknownModel: { message: (a) => `There is no model ${a.modelId}`, hint: 'Check the model id (`modeldao model info <id>`).' },
  NodeRegistryAlreadyRegistered: { message: (a) => `${a.operator} is registered for model ${a.modelId} already (or still unbonding)`, hint: 'Update the registration instead (`modeldao node register --update`).' },
  NodeRegistryNotRegistered: { message: (a) => `${a.operator} is not registered for model ${a.modelId}`, hint: 'Register first (`modeldao node register`).' },
  NodeRegistryStakeTooLow: { message: (a) => `A stake of ${a.stake} is below the minimum of ${a.minStake}`, hint: 'Stake at least the minimum (--stake).' },
  NodeRegistryInvalidEndpoint: { message: (a) => `An endpoint of ${a.length} bytes is not accepted (1 to 256)`, hint: 'Pass the node URL (--endpoint).' },
  NodeRegistryNotUnbonded: { message: (a) => `The stake of ${a.operator} for model ${a.modelId} is not unbonded${Number(a.unbondingEnd) ? ` until ${time(a.unbondingEnd)}` : ' (unregister first)'}`, hint: 'Unregister, wait out the unbonding period, then withdraw.' },
  // EIP-3009 (TestUSD)
  EIP3009AuthorizationNotValidNow: { message: (a) => `The authorization is valid from ${time(a.validAfter)} to ${time(a.validBefore)}, not now (${time(a.nowTimestamp)})`, hint: 'Sign a fresh authorization.' },
  EIP3009AuthorizationUsed: { message: (a) => `The authorization ${a.nonce} of ${a.authorizer} was used or cancelled`, hint: 'Sign a new one with a fresh nonce.' },
  EIP3009InvalidSignature: { message: () => 'The authorization is not signed by the payer', hint: "Sign with the payer's key." },
  EIP3009CallerNotPayee: { message: (a) => `${a.caller} is not the payee ${a.payee}`, hint: 'Only the payee may submit a receive authorization.' },
  // TestUSD (local chains)
  TestUSDFaucetLimitExceeded: { message: (a) => `The faucet gives at most ${a.limit} base units per call, ${a.requested} were asked for`, hint: 'Ask for less, or call the faucet again.' },
  // OpenZeppelin errors inherited by the protocol contracts
  ERC1155InsufficientBalance: { message: (a) => `${a.sender} holds ${a.balance} shares of model ${a.tokenId}, ${a.needed} are needed`, hint: 'Use an account that holds enough shares, or move fewer.' },
  ERC1155InvalidApprover: { message: (a) => `${a.approver} cannot approve`, hint: 'Approve from a real account.' },
  ERC1155InvalidArrayLength: { message: (a) => `${a.idsLength} ids but ${a.valuesLength} amounts were given`, hint: 'Pass one amount per id.' },
  ERC1155InvalidOperator: { message: (a) => `${a.operator} cannot be an operator`, hint: 'Approve a real account.' },
  ERC1155InvalidReceiver: { message: (a) => `${a.receiver} cannot receive shares`, hint: 'Send to an account, or a contract that implements IERC1155Receiver.' },
  ERC1155InvalidSender: { message: (a) => `${a.sender} cannot send shares`, hint: 'Send from a real account.' },
  ERC1155MissingApprovalForAll: { message: (a) => `${a.operator} may not move the shares of ${a.owner}`, hint: 'The owner must approve the operator first (setApprovalForAll).' },
  ERC2981InvalidDefaultRoyalty: { message: (a) => `A royalty of ${a.numerator}/${a.denominator} is above 100%`, hint: 'Lower the royalty.' },
  ERC2981InvalidDefaultRoyaltyReceiver: { message: (a) => `${a.receiver} cannot receive royalties`, hint: 'Name a real royalty receiver.' },
  ERC2981InvalidTokenRoyalty: { message: (a) => `A royalty of ${a.numerator}/${a.denominator} on model ${a.tokenId} is above 100%`, hint: 'Lower the royalty (--royalty).' },
  ERC2981InvalidTokenRoyaltyReceiver: { message: (a) => `${a.receiver} cannot receive royalties of model ${a.tokenId}`, hint: 'Name a real royalty receiver.' },
  ERC20InsufficientBalance: { message: (a) => `${a.sender} has ${a.balance} base units of the payment token, ${a.needed} are needed`, hint: 'Fund the account with the payment token (on the local chain, the TestUSD faucet).' },
  ERC20InsufficientAllowance: { message: (a) => `${a.spender} may spend ${a.allowance} base units, ${a.needed} are needed`, hint: 'Approve the spender for the amount first.' },
  ERC20InvalidApprover: { message: (a) => `${a.approver} cannot approve`, hint: 'Approve from a real account.' },
  ERC20InvalidReceiver: { message: (a) => `${a.receiver} cannot receive tokens`, hint: 'Send to a real address.' },
  ERC20InvalidSender: { message: (a) => `${a.sender} cannot send tokens`, hint: 'Send from a real account.' },
  ERC20InvalidSpender: { message: (a) => `${a.spender} cannot be approved`, hint: 'Approve a real address.' },
  ERC2612ExpiredSignature: { message: (a) => `The permit expired at ${time(a.deadline)}`, hint: 'Sign a new permit with a later deadline.' },
  ERC2612InvalidSigner: { message: (a) => `The permit was signed by ${a.signer}, not the owner ${a.owner}`, hint: "Sign the permit with the owner's key." },
  InvalidAccountNonce: { message: (a) => `Nonce mismatch for ${a.account}: the current nonce is ${a.currentNonce}`, hint: 'Sign again with the current nonce.' },
  FailedDeployment: { message: () => 'A contract deployment failed', hint: 'The address may be taken already; retry or report it.' },
  InsufficientBalance: { message: (a) => `The contract holds ${a.balance} wei, ${a.needed} are needed`, hint: 'Send less value.' },
  ECDSAInvalidSignature: { message: () => 'The signature is invalid', hint: 'Sign again with the right key.' },
  ECDSAInvalidSignatureLength: { message: (a) => `The signature has ${a.length} bytes, 65 are expected`, hint: 'Pass the full signature.' },
  ECDSAInvalidSignatureS: { message: () => 'The signature is malleable (high s value)', hint: 'Sign again with a standard signer.' },
  ReentrancyGuardReentrantCall: { message: () => 'A contract called back into the protocol during a transfer', hint: 'The receiving contract re-entered; use an account or a contract that does not call back.' },
  SafeERC20FailedOperation: { message: (a) => `A transfer of the token ${a.token} failed`, hint: 'Check balance and allowance of the payment token.' },
  SafeCastOverflowedUintDowncast: { message: (a) => `The value ${a.value} does not fit in ${a.bits} bits`, hint: 'Use a smaller amount.' },
  CheckpointUnorderedInsertion: { message: () => 'A vote checkpoint was written out of order', hint: 'This is a contract bug: report it with the transaction.' },
  InvalidShortString: { message: () => 'A short string was malformed', hint: 'This is a contract bug: report it with the transaction.' },
  StringTooLong: { message: (a) => `The string "${a.str}" is too long`, hint: 'Use a shorter name.' },
}
