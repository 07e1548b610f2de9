import type { Account, Address } from 'viem'
import { homeLayout, resolveHome, type HomeLayout } from '../home/paths.js'
import { connectChain, type ChainConnection } from '../chain/rpc/connection.js'
import { LocalChainNotRunningError } from '../chain/errors.js'
import { findLocalChain, type LocalChainRecord } from '../chain/local/anvil.js'
import { assertDeployments, protocolContract, requireDeployments, type Deployments, type ProtocolContractHandle } from '../chain/protocol/deployments.js'
import type { ProtocolContractName } from '../chain/protocol/registry.js'
import type { IpfsRepo } from '../ipfs/storage/repo.js'
import { openRepo } from '../ipfs/storage/repo.js'
import { ChainIndex } from '../index/chainIndex.js'
import { resolveAddress, resolveSigner } from '../wallet/signer.js'
import { PasswordRequiredError } from '../wallet/errors.js'

/** What a password is asked for: shown to the user by whoever supplies the callback. */
export type PasswordRequest = {
  /** e.g. `keystore "alice"` or `the new keystore "bob"`. */
  purpose: string
  /** Ask twice and compare (new keystores). */
  confirm?: boolean | undefined
}

/** How to build a context: the CLI's global flags, or an app's settings. Everything is optional. */
export type ModeldaoOptions = {
  /** Home folder (keystores, local chain, deployments, IPFS repo). Default `MODELDAO_HOME`, else `~/.modeldao`. */
  home?: string | undefined
  /** JSON-RPC endpoint. Default: the local chain started by `chainUp`. */
  rpcUrl?: string | undefined
  /** The endpoint must report this chain id. */
  chainId?: number | undefined
  /** Keystore name (or address) that signs. */
  account?: string | undefined
  /** anvil dev account index that signs (local chains only). */
  devAccount?: number | undefined
  /** A raw private key that signs (explicit env, never a flag). */
  privateKey?: string | undefined
  /** Asked when a keystore must be opened or created. Without it, such actions fail with PASSWORD_REQUIRED. */
  getPassword?: ((request: PasswordRequest) => Promise<string>) | undefined
}

/**
 * One modeldao context: everything an action needs, opened lazily and once. Pass it as the first argument of every
 * action; dispose it (`await using`, or `dispose()`) to close the IPFS repo.
 */
export type ModeldaoContext = {
  readonly options: Readonly<ModeldaoOptions>
  /** The folders under the home folder. Actions use them; callers never need to. */
  readonly home: HomeLayout
  /** The running local chain's record when no rpcUrl was given (undefined otherwise, or when none runs). */
  localChain(): Promise<LocalChainRecord | undefined>
  /** The chain connection (the --rpc-url endpoint or the running local chain), connected on first use. */
  chain(): Promise<ChainConnection>
  /** The protocol's deployments on that chain, checked against the chain (genesis, code) on first use. */
  deployments(): Promise<Deployments>
  /** A deployed protocol contract: typed ABI and address. */
  contract<N extends ProtocolContractName>(name: N): Promise<ProtocolContractHandle<N>>
  /** The signing account, unlocked on first use (asks the password through `getPassword`). */
  signer(): Promise<Account>
  /** The account's address without unlocking it (for reads): the same options as `signer`, or a plain address. */
  address(): Promise<Address>
  /** Asks for a password through the caller's callback. */
  password(request: PasswordRequest): Promise<string>
  /**
   * The local index of the protocol's logs on this chain (SQLite under the home folder), opened on first use. Not
   * synced: actions call `syncIndex` for a view up to the head.
   */
  index(): Promise<ChainIndex>
  /** The local IPFS repo, opened on first use. */
  repo(): IpfsRepo
  /** True once the repo was opened (and so needs closing). */
  readonly repoOpen: boolean
  dispose(): Promise<void>
  [Symbol.asyncDispose](): Promise<void>
}

/**
 * Runs `open` on the first call and shares its result. A failure, or a result `keep` refuses, is not kept: the next
 * call tries again (a chain started after a first look is then found).
 */
function once<T>(open: () => Promise<T>, keep: (value: T) => boolean = () => true): () => Promise<T> {
  let pending: Promise<T> | undefined
  return () => {
    pending ??= open().then(
      (value) => {
        if (!keep(value)) pending = undefined
        return value
      },
      (error: unknown) => {
        pending = undefined
        throw error
      },
    )
    return pending
  }
}

/**
 * Builds a context from options. Nothing is opened or connected until an action asks for it.
 * @example
 * await using md = createModeldao({ home: './.modeldao' })
 * const { manifestCid } = await publishModel(md, { inputs: ['./weights'], name: 'tiny', ipfsOnly: true })
 */
export function createModeldao(options: ModeldaoOptions = {}): ModeldaoContext {
  const home = homeLayout(resolveHome(options.home))
  let repo: IpfsRepo | undefined
  let index: ChainIndex | undefined

  const context: ModeldaoContext = {
    options,
    home,
    localChain: once(async () => (options.rpcUrl ? undefined : findLocalChain(home.localChain)), (record) => record !== undefined),
    chain: once(async () => {
      let rpcUrl = options.rpcUrl
      if (!rpcUrl) {
        const local = await context.localChain()
        if (!local) throw new LocalChainNotRunningError(home.root)
        rpcUrl = local.rpcUrl
      }
      return connectChain({ rpcUrl, expectedChainId: options.chainId })
    }),
    deployments: once(async () => {
      const connection = await context.chain()
      const found = await requireDeployments(home.deployments, connection.chainId)
      await assertDeployments(connection, home.deployments, found)
      return found
    }),
    async contract(name) {
      return protocolContract(await context.deployments(), name, home.deployments)
    },
    signer: once(async () => {
      const connection = await context.chain()
      return resolveSigner({
        keystoresFolder: home.keystores,
        chainId: connection.chainId,
        account: options.account,
        devAccount: options.devAccount,
        privateKey: options.privateKey,
        getPassword: (name) => context.password({ purpose: `keystore "${name}"` }),
      })
    }),
    address: once(async () => {
      const connection = await context.chain()
      return resolveAddress({ keystoresFolder: home.keystores, chainId: connection.chainId, account: options.account, devAccount: options.devAccount, privateKey: options.privateKey })
    }),
    password(request) {
      if (!options.getPassword) return Promise.reject(new PasswordRequiredError(`no password source was given for ${request.purpose}`))
      return options.getPassword(request)
    },
    index: once(async () => {
      const [connection, deployments] = await Promise.all([context.chain(), context.deployments()])
      const modelShares = protocolContract(deployments, 'ModelShares', home.deployments)
      const shareOffering = protocolContract(deployments, 'ShareOffering', home.deployments)
      const blocks = (['ModelShares', 'ShareOffering'] as const).map((name) => Number(deployments.contracts[name]?.blockNumber ?? 0))
      // Deployments from before governance have no DAO contracts: their index simply has no proposals.
      const governance = deployments.contracts.DaoFactory && deployments.contracts.DatasetRegistry && deployments.contracts.QualityStaking
        ? {
            daoFactory: deployments.contracts.DaoFactory.address,
            datasetRegistry: deployments.contracts.DatasetRegistry.address,
            qualityStaking: deployments.contracts.QualityStaking.address,
          }
        : undefined
      index = ChainIndex.open(home.index, {
        chainId: connection.chainId,
        genesisHash: deployments.genesisHash,
        modelShares: modelShares.address,
        shareOffering: shareOffering.address,
        governance,
        fromBlock: Math.min(...blocks),
      })
      return index
    }),
    repo() {
      repo ??= openRepo(home.ipfs)
      return repo
    },
    get repoOpen() {
      return repo !== undefined
    },
    async dispose() {
      index?.close()
      index = undefined
      const open = repo
      repo = undefined
      await open?.close()
    },
    [Symbol.asyncDispose]() {
      return context.dispose()
    },
  }
  return context
}
