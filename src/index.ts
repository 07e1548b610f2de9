// modeldao — the library under the CLI. Every action a command runs is exported here, with its params, return and
// error types; internals (pack store layout, walkers, CLI helpers) are not. Subpaths: 'modeldao/ipfs' (blockstore,
// CAR, sources, gateway for apps that embed IPFS) and 'modeldao/contracts' (typed ABIs and bytecode).
export { createModeldao, type ModeldaoContext, type ModeldaoOptions, type PasswordRequest } from './core/context/context.js'
export { Service } from './core/service/service.js'
export { ExitCode, ModeldaoError, errorCatalogue, exitCodeOf, type ErrorCode, type CatalogueCode, type RevertCode } from './core/errors/base.js'

// chain
export { chainUp, type ChainUpParams, type ChainUpReturnType, type ChainUpErrorType } from './core/actions/chain/chainUp.js'
export { chainDown, type ChainDownReturnType, type ChainDownErrorType } from './core/actions/chain/chainDown.js'
export { getChainStatus, type GetChainStatusReturnType, type GetChainStatusErrorType } from './core/actions/chain/getChainStatus.js'
export { mineBlocks, type MineBlocksParams, type MineBlocksReturnType, type MineBlocksErrorType } from './core/actions/chain/mineBlocks.js'
export { advanceTime, type AdvanceTimeParams, type AdvanceTimeReturnType, type AdvanceTimeErrorType } from './core/actions/chain/advanceTime.js'
export { deployProtocol, type DeployProtocolParams, type DeployProtocolReturnType, type DeployProtocolErrorType } from './core/actions/chain/deployProtocol.js'
export { adoptDeployment, type AdoptDeploymentParams, type AdoptDeploymentReturnType, type AdoptDeploymentErrorType } from './core/actions/chain/adoptDeployment.js'
export { getBalances, type GetBalancesParams, type GetBalancesReturnType, type GetBalancesErrorType } from './core/actions/chain/getBalances.js'
export { writeProtocol, type WriteProtocolParams, type WriteProtocolReturnType, type WriteProtocolErrorType } from './core/actions/chain/writeProtocol.js'
export type { TransactionProgress } from './core/chain/protocol/write.js'
export { ContractRevertError, revertCode } from './core/chain/protocol/reverts.js'
export { revertMessages } from './core/chain/protocol/revertMessages.js'
export { protocolArtifacts, protocolSteps, type ProtocolContractName, type ProtocolErrorName } from './core/chain/protocol/registry.js'
export type { Deployments, DeployedContract } from './core/chain/protocol/deployments.js'
export type { LocalChainRecord } from './core/chain/local/anvil.js'
export type { ChainConnection } from './core/chain/rpc/connection.js'
export * as chainErrors from './core/chain/errors.js'
export { parseDuration } from './core/units/duration.js'

// wallet
export { createWallet, type CreateWalletParams, type CreateWalletReturnType, type CreateWalletErrorType } from './core/actions/wallet/createWallet.js'
export { importWallet, type ImportWalletParams, type ImportWalletReturnType, type ImportWalletErrorType } from './core/actions/wallet/importWallet.js'
export { listWallets, type ListWalletsReturnType } from './core/actions/wallet/listWallets.js'
export { fundWallet, type FundWalletParams, type FundWalletReturnType, type FundWalletErrorType } from './core/actions/wallet/fundWallet.js'
export { getWalletAddress, type GetWalletAddressParams, type GetWalletAddressReturnType, type GetWalletAddressErrorType } from './core/actions/wallet/getWalletAddress.js'
export type { WalletInfo } from './core/wallet/store.js'
export { encryptKeystore, decryptKeystore, parseKeystore, type KeystoreV3, type KdfStrength } from './core/wallet/keystore.js'
export * as walletErrors from './core/wallet/errors.js'

// models
export { publishModel, type PublishModelParams, type PublishModelReturnType, type PublishModelErrorType, type RegistrationSummary } from './core/actions/models/publishModel.js'
export { getModel, type GetModelParams, type GetModelReturnType, type GetModelErrorType } from './core/actions/models/getModel.js'
export { getModelInfo, type GetModelInfoParams, type GetModelInfoReturnType, type GetModelInfoErrorType } from './core/actions/models/getModelInfo.js'
export { resolveModelRef, type ResolveModelRefParams, type ResolveModelRefReturnType } from './core/actions/models/resolveModelRef.js'
export { pinModelRemote, type PinModelRemoteParams, type PinModelRemoteReturnType, type PinModelRemoteErrorType } from './core/actions/models/pinModelRemote.js'
export { registerModel, termsOnChain, type RegisterModelParams, type RegisterModelReturnType, type RegisterModelErrorType } from './core/actions/models/registerModel.js'
export { parseModelTerms, DEFAULT_TERMS, type ModelTerms, type ModelTermsOnChain } from './core/models/terms.js'
export { MANIFEST_SCHEMA, parseManifest, manifestProblems, type ModelManifest, type ManifestFile } from './core/models/manifest.js'
export type { PublishProgress } from './core/models/publish.js'
export type { GetProgress } from './core/models/get.js'
export { writeTinyGguf } from './core/models/syntheticModel.js'
export * as modelErrors from './core/models/errors.js'

// ipfs
export { startIpfsDaemon, IpfsDaemon, DEFAULT_PINNING_PORT, type IpfsDaemonParams, type IpfsDaemonInfo } from './core/actions/ipfs/startIpfsDaemon.js'
export { createPinningClient, type PinningClient, type PinningClientOptions, type WaitForPinOptions, type WaitForPinProgress } from './core/ipfs/pinning/client.js'
export type { Pin as RemotePin, PinStatus, PinStatusName, PinResults, PinQuery, TextMatchingStrategy } from './core/ipfs/pinning/types.js'
export * as pinningErrors from './core/ipfs/pinning/errors.js'
export { collectGarbage, type CollectGarbageReturnType } from './core/actions/ipfs/collectGarbage.js'
export { unpin, type UnpinParams, type UnpinReturnType, type UnpinErrorType } from './core/actions/ipfs/unpin.js'
export { addFile, type AddFileParams, type AddFileReturnType, type AddFileErrorType } from './core/actions/ipfs/addFile.js'
export { listPins, type ListPinsReturnType } from './core/actions/ipfs/listPins.js'
export { exportCar, type ExportCarParams, type ExportCarReturnType } from './core/actions/ipfs/exportCar.js'
export { importCar, type ImportCarParams, type ImportCarReturnType } from './core/actions/ipfs/importCar.js'
export { cidProfiles, DEFAULT_CID_PROFILE, type CidProfileName } from './core/ipfs/formats/cidProfiles.js'
export type { SourceParams } from './core/ipfs/network/sources.js'
export * as ipfsErrors from './core/ipfs/errors.js'

// investors: the share market, portfolio, fees and the local index
export { listModels, type ListModelsParams, type ListModelsReturnType, type ListModelsErrorType, type ListedModel, type ModelSort } from './core/actions/models/listModels.js'
export { getModelMarket, type GetModelMarketParams, type GetModelMarketReturnType, type GetModelMarketErrorType } from './core/actions/models/getModelMarket.js'
export { createOffer, type CreateOfferParams, type CreateOfferReturnType, type CreateOfferErrorType } from './core/actions/shares/createOffer.js'
export { listOffers, type ListOffersParams, type ListOffersReturnType, type ListOffersErrorType } from './core/actions/shares/listOffers.js'
export { cancelOffer, type CancelOfferParams, type CancelOfferReturnType, type CancelOfferErrorType } from './core/actions/shares/cancelOffer.js'
export { quoteBuy, type QuoteBuyParams, type QuoteBuyReturnType, type QuoteBuyErrorType, type QuotedFill } from './core/actions/shares/quoteBuy.js'
export { buyShares, type BuySharesParams, type BuySharesReturnType, type BuySharesErrorType, type BoughtFill } from './core/actions/shares/buyShares.js'
export { transferShares, type TransferSharesParams, type TransferSharesReturnType, type TransferSharesErrorType } from './core/actions/shares/transferShares.js'
export { getShareBalances, type GetShareBalancesParams, type GetShareBalancesReturnType, type GetShareBalancesErrorType, type ShareBalance } from './core/actions/shares/getShareBalances.js'
export { getPortfolio, type GetPortfolioParams, type GetPortfolioReturnType, type GetPortfolioErrorType, type PortfolioEntry } from './core/actions/portfolio/getPortfolio.js'
export { claimFees, type ClaimFeesParams, type ClaimFeesReturnType, type ClaimFeesErrorType } from './core/actions/fees/claimFees.js'
export { getTokenBalance, type GetTokenBalanceParams, type GetTokenBalanceReturnType, type GetTokenBalanceErrorType } from './core/actions/token/getTokenBalance.js'
export { mintTestTokens, type MintTestTokensParams, type MintTestTokensReturnType, type MintTestTokensErrorType } from './core/actions/token/mintTestTokens.js'
export { syncIndex, type SyncIndexParams, type SyncIndexReturnType, type SyncIndexErrorType } from './core/actions/index/syncIndex.js'
export { ChainIndex, REORG_DEPTH, type IndexIdentity, type IndexSyncProgress, type IndexSyncResult } from './core/index/chainIndex.js'
export type { IndexedModel, IndexedOffering, OfferingState, Holder, FeeEvent } from './core/index/queries.js'
export { planFill, formatToken, type Fill, type TokenInfo } from './core/shares/market.js'
export * as shareErrors from './core/shares/errors.js'

// serving: runnable dev models, GGUF validation, the serving node
export { writeDevGguf, type WriteDevGgufParams, type WriteDevGgufReturnType, type WriteDevGgufErrorType } from './core/actions/dev/writeDevGguf.js'
export { devModelPresets, DEV_CHAT_TEMPLATE, type DevModelPreset, type DevModelOptions } from './core/models/devModel.js'
export { validateGguf, type GgufLayout } from './core/models/ggufValidate.js'
export { startServingNode, ServingNode, DEFAULT_NODE_PORT, type ServingNodeParams, type ServingNodeInfo, type ServingNodeErrorType } from './core/actions/node/startServingNode.js'
export { registerNode, type RegisterNodeParams, type RegisterNodeReturnType, type RegisterNodeErrorType } from './core/actions/node/registerNode.js'
export { resolveServedWeights, verifyAgainstManifest, type ServedWeights, type ResolveWeightsParams } from './core/serving/weights.js'
export { InferenceEngine, type EngineOptions, type EngineInfo, type GpuChoice, type GenerateRequest, type GenerateResult, type ServedToken } from './core/serving/engine.js'
export { hashTokens, type ReceiptDraft } from './core/receipts/draft.js'
export * as servingErrors from './core/serving/errors.js'

// payments: x402 on the node (channel vouchers and exact), channels, settlement, the paying fetch
export { type NodePaymentOptions } from './core/actions/node/startServingNode.js'
export { openChannel, channelIdOf, DEFAULT_WITHDRAWAL_DELAY, type OpenChannelParams, type OpenChannelReturnType, type OpenChannelErrorType } from './core/actions/channel/openChannel.js'
export { getChannel, type GetChannelParams, type GetChannelReturnType, type GetChannelErrorType } from './core/actions/channel/getChannel.js'
export { depositChannel, type DepositChannelParams, type DepositChannelReturnType, type DepositChannelErrorType } from './core/actions/channel/depositChannel.js'
export { withdrawChannel, type WithdrawChannelParams, type WithdrawChannelReturnType, type WithdrawChannelErrorType } from './core/actions/channel/withdrawChannel.js'
export { listChannels, type ListChannelsParams, type ListChannelsReturnType, type ListChannelsErrorType } from './core/actions/channel/listChannels.js'
export { ChannelBook, type ChannelBookKey, type ChannelBookEntry } from './core/payments/channelBook.js'
export { getEarnings, withdrawEarnings, type GetEarningsParams, type GetEarningsReturnType, type ExactReceiverEarnings, type GetEarningsErrorType, type WithdrawEarningsReturnType, type WithdrawEarningsErrorType } from './core/actions/node/operatorEarnings.js'
export { chat, type ChatParams, type ChatMessage, type ChatReturnType, type ChatErrorType } from './core/actions/client/chat.js'
export { readChatStream, type StreamedCompletion } from './core/client/chatStream.js'
export * as clientErrors from './core/client/errors.js'
export { createPayingFetch, ChannelSchemeClient, type PayingFetchOptions } from './core/payments/payingFetch.js'
export { PaymentGate, PaymentRequiredResponse, type PaymentRefusal, type PaymentGateConfig } from './core/payments/gate.js'
export { settleVouchers, type SettleVouchersResult } from './core/payments/settlement.js'
export { PaymentStore, type HeldVoucher, type PaymentRecord } from './core/payments/store.js'
export { VoucherVerifier, signVoucher, voucherDigest, VOUCHER_TYPES, type Voucher, type ChannelsDomain } from './core/payments/vouchers.js'
export { signReceipt, recoverReceiptSigner, receiptDigest, RECEIPT_TYPES, type SignedReceiptFields } from './core/receipts/signing.js'
export { encodeReceiptBody, decodeReceiptBody, receiptCommitment, stopHash, RECEIPT_BODY_VERSION, RECEIPT_HEADER_BYTES, RECEIPT_BYTES_PER_TOKEN, RECEIPT_QUANTUM, type ReceiptBody, type ReceiptCommitment } from './core/receipts/codec.js'
export { priceCeiling, priceOf, holdersShare, type PriceList } from './core/payments/prices.js'
export { CHANNEL_SCHEME, EXACT_SCHEME, type ChannelExtra, type ChannelPayload } from './core/payments/scheme.js'

// governance: model DAOs, proposals, votes, quality staking, datasets
export { createDao, DEFAULT_DAO_SETTINGS, type CreateDaoParams, type CreateDaoReturnType, type CreateDaoErrorType, type DaoSettings } from './core/actions/dao/createDao.js'
export { propose, type ProposeParams, type ProposeReturnType, type ProposeErrorType, type ProposalContent } from './core/actions/dao/propose.js'
export { listProposals, type ListProposalsParams, type ListProposalsReturnType, type ListProposalsErrorType, type ProposalSummary } from './core/actions/dao/listProposals.js'
export { getProposal, type GetProposalParams, type GetProposalErrorType, type ProposalView } from './core/actions/dao/getProposal.js'
export { castVote, SUPPORT_CODES, SUPPORT_NAMES, type CastVoteParams, type CastVoteReturnType, type CastVoteErrorType, type VoteSupport } from './core/actions/dao/castVote.js'
export { delegateVotes, type DelegateVotesParams, type DelegateVotesReturnType, type DelegateVotesErrorType } from './core/actions/dao/delegateVotes.js'
export { queueProposal, type QueueProposalParams, type QueueProposalReturnType } from './core/actions/dao/queueProposal.js'
export { executeProposal, type ExecuteProposalParams, type ExecuteProposalReturnType } from './core/actions/dao/executeProposal.js'
export { cancelProposal, type CancelProposalParams, type CancelProposalReturnType } from './core/actions/dao/cancelProposal.js'
export { listDatasets, type ListDatasetsParams, type ListDatasetsReturnType, type DatasetEntry } from './core/actions/dao/listDatasets.js'
export { stakeOnVersion, type StakeOnVersionParams, type StakeOnVersionReturnType, type StakeOnVersionErrorType } from './core/actions/staking/stakeOnVersion.js'
export { claimStakes, type ClaimStakesParams, type ClaimStakesReturnType, type ClaimStakesErrorType, type StakeClaim } from './core/actions/staking/claimStakes.js'
export { describeActions, proposalKind, type ProposalAction, type DecodedAction, type ProposalKind, type DatasetInput, type ParamsChange } from './core/governance/actions.js'
export { requireDao, findProposal, type ModelDao, type ProposalRef } from './core/governance/dao.js'
export { readProposalStatus, timeLeft, type ProposalStatus, type ProposalState } from './core/governance/status.js'
export type { IndexedProposal, IndexedVote, IndexedRound, IndexedStake, Tally } from './core/index/governanceQueries.js'
export * as governanceErrors from './core/governance/errors.js'

// verification: replaying receipts through the registered weights
export {
  replayReceipt,
  replayThresholds,
  binomialTail,
  REPLAY_THRESHOLDS,
  type ReplayReceiptParams,
  type ReplayReceiptReturnType,
  type ReplayReceiptErrorType,
  type ReplayableReceipt,
  type ReplayedToken,
  type ReplayMismatchReason,
  type ReplayThresholds,
  type SampledRule,
  type SampledScore,
} from './core/verify/replay.js'
export * as verifyErrors from './core/verify/errors.js'
export { verifyReceipt, type VerifyReceiptParams, type VerifyReceiptReturnType, type VerifyReceiptErrorType } from './core/actions/verify/verifyReceipt.js'
export { fileChallenge, type FileChallengeParams, type FileChallengeReturnType, type FileChallengeErrorType } from './core/actions/verify/fileChallenge.js'
export { registerValidator, type RegisterValidatorParams, type RegisterValidatorReturnType, type RegisterValidatorErrorType } from './core/actions/verify/registerValidator.js'
export {
  settleChallenge,
  appealChallenge,
  claimChallengeVotes,
  withdrawChallengeCredits,
  type WithdrawChallengeCreditsReturnType,
  type SettleChallengeParams,
  type SettleChallengeReturnType,
  type SettleChallengeErrorType,
  type ChallengeResolution,
  type AppealChallengeReturnType,
  type ClaimChallengeVotesReturnType,
} from './core/actions/verify/settleChallenge.js'
export { advanceToPhaseEnd } from './core/actions/verify/advanceToPhaseEnd.js'
export { voteOnChallenge, type VoteOnChallengeParams, type VoteOnChallengeReturnType, type VoteOnChallengeErrorType } from './core/actions/verify/voteOnChallenge.js'
export { listChallenges, type ListChallengesParams, type ListChallengesReturnType, type ListChallengesErrorType } from './core/actions/verify/listChallenges.js'
export { readChallenge, type ChallengeView, type ChallengeStatus, type ChallengePhase, type RoundView, type BallotView } from './core/disputes/read.js'
export { disputeRule, economicStake, type DisputeParams } from './core/disputes/economics.js'
export type { SignedReceipt } from './core/receipts/signedReceipt.js'
export { detectionProbability, requestsToDetect, cheatingPays } from './core/verify/economics.js'
export { spotCheck, type SpotCheckParams, type SpotCheckReturnType, type SpotCheckProbe, type SpotCheckErrorType } from './core/actions/verify/spotCheck.js'
export { spotCheckModel, type SpotCheckModelParams, type SpotCheckModelReturnType, type SpotCheckedNode, type SpotCheckModelErrorType } from './core/actions/verify/spotCheckModel.js'
export { listNodes, type ListNodesParams, type ListNodesReturnType, type ListedNode, type ListNodesErrorType } from './core/actions/node/listNodes.js'
export { answerChallenge, type AnswerChallengeParams, type AnswerChallengeReturnType, type AnswerChallengeErrorType } from './core/actions/verify/answerChallenge.js'

// the whole story on a local chain (`modeldao demo`)
export { runDemo, DEMO_ROLES, type RunDemoParams, type RunDemoReturnType, type RunDemoErrorType, type DemoStep, type DemoRole } from './core/actions/demo/runDemo.js'
export { demoLedger, type DemoMoney, type DemoLedger, type LedgerRow, type LedgerCheck } from './core/demo/ledger.js'
