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
export { registerModel, termsOnChain, type RegisterModelParams, type RegisterModelReturnType, type RegisterModelErrorType } from './core/actions/models/registerModel.js'
export { parseModelTerms, DEFAULT_TERMS, type ModelTerms, type ModelTermsOnChain } from './core/models/terms.js'
export { MANIFEST_SCHEMA, parseManifest, manifestProblems, type ModelManifest, type ManifestFile } from './core/models/manifest.js'
export type { PublishProgress } from './core/models/publish.js'
export type { GetProgress } from './core/models/get.js'
export { writeTinyGguf } from './core/models/syntheticModel.js'
export * as modelErrors from './core/models/errors.js'

// ipfs
export { startIpfsDaemon, IpfsDaemon, type IpfsDaemonParams, type IpfsDaemonInfo } from './core/actions/ipfs/startIpfsDaemon.js'
export { collectGarbage, type CollectGarbageReturnType } from './core/actions/ipfs/collectGarbage.js'
export { listPins, type ListPinsReturnType } from './core/actions/ipfs/listPins.js'
export { exportCar, type ExportCarParams, type ExportCarReturnType } from './core/actions/ipfs/exportCar.js'
export { importCar, type ImportCarParams, type ImportCarReturnType } from './core/actions/ipfs/importCar.js'
export { cidProfiles, DEFAULT_CID_PROFILE, type CidProfileName } from './core/ipfs/formats/cidProfiles.js'
export type { SourceParams } from './core/ipfs/network/fetch.js'
export * as ipfsErrors from './core/ipfs/errors.js'
