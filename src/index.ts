// modeldao — the library under the CLI. Everything a command does is reachable from here.
export { ExitCode, ModeldaoError, describeCause } from './core/errors/base.js'
export { homeLayout, resolveHome, type HomeLayout } from './core/home/paths.js'
export { findFoundryTool, ToolNotFoundError, type FoundryTool } from './core/tools/binaries.js'

export { connectChain, walletClientFor, testClientFor, type ChainConnection, type ConnectParams } from './core/chain/clients.js'
export * from './core/chain/errors.js'
export { devAccount, devAccountAddresses, DEV_ACCOUNT_COUNT } from './core/chain/devAccounts.js'
export {
  startLocalChain,
  stopLocalChain,
  findLocalChain,
  localChainFiles,
  DEFAULT_LOCAL_CHAIN_ID,
  DEFAULT_LOCAL_PORT,
  type LocalChainRecord,
  type StartLocalChainParams,
  type StartLocalChainResult,
  type StopLocalChainResult,
} from './core/chain/localChain.js'
export { chainUp, type ChainUpParams, type ChainUpResult } from './core/chain/up.js'
export { getChainStatus, type ChainStatus, type ChainStatusParams } from './core/chain/status.js'
export { mineBlocks, advanceTime, type TimeTravelResult } from './core/chain/timeTravel.js'
export { parseDuration } from './core/chain/duration.js'
export { deployProtocol, type DeployProtocolParams, type DeployProtocolResult } from './core/chain/deploy.js'
export { protocolContracts, type ProtocolContract } from './core/chain/protocol.js'
export {
  readDeployments,
  requireDeployments,
  writeDeployments,
  checkDeployments,
  deploymentsFile,
  type Deployments,
  type DeployedContract,
} from './core/chain/deployments.js'
export * from './core/chain/generated/contracts.js'

export { encryptKeystore, decryptKeystore, parseKeystore, scryptStrengths, type KeystoreV3, type KdfStrength } from './core/wallet/keystore.js'
export { createWallet, importWallet, listWallets, walletAddress, unlockWallet, type WalletInfo } from './core/wallet/store.js'
export { resolveSigner, type ResolveSignerParams } from './core/wallet/signer.js'
export { getBalances, type Balances } from './core/wallet/balance.js'
export * from './core/wallet/errors.js'
