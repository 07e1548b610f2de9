// modeldao — the library under the CLI. Every action a command runs is exported here, with its params, return and
// error types; internals (pack store layout, walkers, CLI helpers) are not. Subpaths: 'modeldao/ipfs' (blockstore,
// CAR, sources, gateway for apps that embed IPFS) and 'modeldao/contracts' (typed ABIs and bytecode).
export { createModeldao, type ModeldaoContext, type ModeldaoOptions, type PasswordRequest } from './core/context/context.js'
export { Service } from './core/service/service.js'
export { ExitCode, ModeldaoError, errorCatalogue, exitCodeOf, type ErrorCode, type CatalogueCode, type RevertCode } from './core/errors/base.js'

// chain
export { chainUp, type ChainUpParams, type ChainUpReturnType, type ChainUpErrorType } from './core/chain/actions/chainUp.js'
export { chainDown, type ChainDownReturnType, type ChainDownErrorType } from './core/chain/actions/chainDown.js'
export { getChainStatus, type GetChainStatusReturnType, type GetChainStatusErrorType } from './core/chain/actions/getChainStatus.js'
export { mineBlocks, type MineBlocksParams, type MineBlocksReturnType, type MineBlocksErrorType } from './core/chain/actions/mineBlocks.js'
export { advanceTime, type AdvanceTimeParams, type AdvanceTimeReturnType, type AdvanceTimeErrorType } from './core/chain/actions/advanceTime.js'
export { deployProtocol, type DeployProtocolParams, type DeployProtocolReturnType, type DeployProtocolErrorType } from './core/chain/actions/deployProtocol.js'
export { getBalances, type GetBalancesParams, type GetBalancesReturnType, type GetBalancesErrorType } from './core/chain/actions/getBalances.js'
export { writeProtocol, type WriteProtocolParams, type WriteProtocolReturnType, type TransactionProgress } from './core/chain/protocol/write.js'
export { ContractRevertError, revertCode } from './core/chain/protocol/reverts.js'
export { revertMessages } from './core/chain/protocol/revertMessages.js'
export { protocolArtifacts, protocolSteps, type ProtocolContractName, type ProtocolErrorName } from './core/chain/protocol/registry.js'
export type { Deployments, DeployedContract } from './core/chain/protocol/deployments.js'
export type { LocalChainRecord } from './core/chain/local/anvil.js'
export type { ChainConnection } from './core/chain/rpc/connection.js'
export * as chainErrors from './core/chain/errors.js'
export { parseDuration } from './core/units/duration.js'

// wallet
export { createWallet, type CreateWalletParams, type CreateWalletReturnType, type CreateWalletErrorType } from './core/wallet/actions/createWallet.js'
export { importWallet, type ImportWalletParams, type ImportWalletReturnType, type ImportWalletErrorType } from './core/wallet/actions/importWallet.js'
export { listWallets, type ListWalletsReturnType } from './core/wallet/actions/listWallets.js'
export { getWalletAddress, type GetWalletAddressParams, type GetWalletAddressReturnType, type GetWalletAddressErrorType } from './core/wallet/actions/getWalletAddress.js'
export type { WalletInfo } from './core/wallet/store.js'
export { encryptKeystore, decryptKeystore, parseKeystore, type KeystoreV3, type KdfStrength } from './core/wallet/keystore.js'
export * as walletErrors from './core/wallet/errors.js'

// models
export { publishModel, type PublishModelParams, type PublishModelReturnType, type PublishModelErrorType, type RegistrationSummary } from './core/models/actions/publishModel.js'
export { getModel, type GetModelParams, type GetModelReturnType, type GetModelErrorType } from './core/models/actions/getModel.js'
export { getModelInfo, type GetModelInfoParams, type GetModelInfoReturnType, type GetModelInfoErrorType } from './core/models/actions/getModelInfo.js'
export { resolveModelRef, type ResolveModelRefParams, type ResolveModelRefReturnType } from './core/models/actions/resolveModelRef.js'
export { parseModelTerms, DEFAULT_TERMS, type ModelTerms, type ModelTermsOnChain } from './core/models/register.js'
export { MANIFEST_SCHEMA, parseManifest, manifestProblems, type ModelManifest, type ManifestFile } from './core/models/manifest.js'
export type { PublishProgress } from './core/models/publish.js'
export type { GetProgress } from './core/models/get.js'
export { writeTinyGguf } from './core/models/syntheticModel.js'
export * as modelErrors from './core/models/errors.js'

// ipfs
export { startIpfsDaemon, IpfsDaemon, type IpfsDaemonParams, type IpfsDaemonInfo } from './core/ipfs/actions/startIpfsDaemon.js'
export { collectGarbage, type CollectGarbageReturnType } from './core/ipfs/actions/collectGarbage.js'
export { listPins, type ListPinsReturnType } from './core/ipfs/actions/listPins.js'
export { exportCar, type ExportCarParams, type ExportCarReturnType } from './core/ipfs/actions/exportCar.js'
export { importCar, type ImportCarParams, type ImportCarReturnType } from './core/ipfs/actions/importCar.js'
export { cidProfiles, DEFAULT_CID_PROFILE, type CidProfileName } from './core/ipfs/formats/cidProfiles.js'
export type { SourceParams } from './core/ipfs/network/fetch.js'
export * as ipfsErrors from './core/ipfs/errors.js'
