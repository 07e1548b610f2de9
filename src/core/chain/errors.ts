import { describeCause, ModeldaoError } from '../errors/base.js'

export class RpcUnreachableError extends ModeldaoError {
  override name = 'RpcUnreachableError'
  constructor(rpcUrl: string, cause?: unknown) {
    super('RPC_UNREACHABLE', `Cannot reach the RPC endpoint ${rpcUrl}.`, {
      details: cause instanceof Error ? cause.message.split('\n')[0] : undefined,
      hints: ['Start the local chain with `modeldao chain up`, or pass a reachable endpoint with --rpc-url.'],
      cause,
    })
  }
}

export class ChainIdMismatchError extends ModeldaoError {
  override name = 'ChainIdMismatchError'
  constructor(params: { expected: number; actual: number; rpcUrl: string; source: string }) {
    super('CHAIN_ID_MISMATCH', `Chain id mismatch: ${params.source} says ${params.expected}, ${params.rpcUrl} reports ${params.actual}.`, {
      hints: [`Use --chain-id ${params.actual} for this endpoint, or point --rpc-url at the chain with id ${params.expected}.`],
    })
  }
}

export class DeploymentsMismatchError extends ModeldaoError {
  override name = 'DeploymentsMismatchError'
  constructor(params: { chainId: number; file: string; reason: string }) {
    super('DEPLOYMENTS_MISMATCH', `The deployments file for chain ${params.chainId} does not match this chain.`, {
      details: `${params.file}: ${params.reason}`,
      hints: ['Redeploy with `modeldao deploy --force` (the old file is kept as a backup), or use the RPC of the chain it was made for.'],
    })
  }
}

export class DeploymentsCorruptError extends ModeldaoError {
  override name = 'DeploymentsCorruptError'
  constructor(file: string, cause: unknown) {
    super('DEPLOYMENTS_CORRUPT', `The deployments file ${file} is not valid JSON.`, {
      hints: ['Restore it from its .bak sibling, or redeploy with `modeldao deploy --force`.'],
      cause,
    })
  }
}

export class NotDeployedError extends ModeldaoError {
  override name = 'NotDeployedError'
  constructor(chainId: number, file: string) {
    super('NOT_DEPLOYED', `The modeldao protocol is not deployed on chain ${chainId}.`, {
      details: `No deployments file at ${file}.`,
      hints: [
        'If the protocol is already deployed on this chain (by another home or a team), adopt it: `modeldao chain adopt <deployments file>`.',
        'Otherwise deploy it with `modeldao deploy` (or `modeldao chain up` for the local chain).',
      ],
    })
  }
}

export class DeploymentIncompleteError extends ModeldaoError {
  override name = 'DeploymentIncompleteError'
  constructor(chainId: number, contract: string, deploymentsFolder: string) {
    super('DEPLOYMENT_INCOMPLETE', `${contract} is not in the deployments of chain ${chainId}.`, {
      details: `See ${deploymentsFolder}/${chainId}.json.`,
      hints: ['Redeploy the protocol: `modeldao deploy --force` (or `modeldao chain up --reset` locally).'],
    })
  }
}

export class AlreadyDeployedError extends ModeldaoError {
  override name = 'AlreadyDeployedError'
  constructor(chainId: number, file: string) {
    super('ALREADY_DEPLOYED', `modeldao is already deployed on chain ${chainId}.`, {
      details: `See ${file}.`,
      hints: ['Pass --force to deploy a fresh copy (the old file is kept as a .bak).'],
    })
  }
}

export class PortInUseError extends ModeldaoError {
  override name = 'PortInUseError'
  constructor(host: string, port: number) {
    super('PORT_IN_USE', `Port ${port} on ${host} is already in use.`, {
      hints: ['Pick another port with --port, or leave --port out to use a free one.'],
    })
  }
}

export class LocalChainStartError extends ModeldaoError {
  override name = 'LocalChainStartError'
  constructor(reason: string, logTail: string, logFile: string) {
    super('LOCAL_CHAIN_START_FAILED', `The local chain (anvil) did not start: ${reason}.`, {
      details: logTail ? `last lines of ${logFile}:\n${logTail}` : `see ${logFile}`,
      hints: ['Check the log above; `modeldao chain down` clears a stale record.'],
    })
  }
}

export class LocalChainNotRunningError extends ModeldaoError {
  override name = 'LocalChainNotRunningError'
  constructor(home: string) {
    super('LOCAL_CHAIN_NOT_RUNNING', 'The local chain is not running.', {
      details: `No running anvil recorded under ${home}.`,
      hints: ['Start it with `modeldao chain up`.'],
    })
  }
}

export class LocalChainStopTimeoutError extends ModeldaoError {
  override name = 'LocalChainStopTimeoutError'
  constructor(pid: number, stateIntervalSeconds: number) {
    super('LOCAL_CHAIN_STOP_TIMEOUT', `anvil (pid ${pid}) did not exit within 15 s of SIGTERM.`, {
      hints: [`Stop it by hand: kill ${pid}. Its state was last saved at most ${stateIntervalSeconds} s before.`],
    })
  }
}

export class NotADevChainError extends ModeldaoError {
  override name = 'NotADevChainError'
  constructor(cause: unknown) {
    super('NOT_A_DEV_CHAIN', 'This endpoint does not mine or move time on request (no anvil_*, hardhat_* or evm_* methods).', {
      details: describeCause(cause).split('\n')[0],
      hints: ['Time travel works only on a development chain: `modeldao chain up` (anvil), or a Hardhat or Ganache node.'],
      cause,
    })
  }
}

export class InsufficientFundsError extends ModeldaoError {
  override name = 'InsufficientFundsError'
  constructor(account: string, chainId: number, cause: unknown) {
    super('INSUFFICIENT_FUNDS', `${account} cannot pay for this transaction on chain ${chainId}: its balance does not cover gas (and value).`, {
      hints: ['Send it some native currency, then retry. On a local chain: `modeldao wallet fund <name|address>` (or sign with --dev-account 0).'],
      cause,
    })
  }
}

export class TransactionRevertedError extends ModeldaoError {
  override name = 'TransactionRevertedError'
  constructor(what: string, reason: string, cause?: unknown) {
    super('TX_REVERTED', `${what} reverted: ${reason}.`, {
      hints: ['Nothing changed on chain. Check the arguments; run with MODELDAO_DEBUG=1 for the raw revert data.'],
      cause,
    })
  }
}

export class TransactionFailedError extends ModeldaoError {
  override name = 'TransactionFailedError'
  constructor(message: string) {
    super('TX_FAILED', message, { hints: ['Check the transaction in a block explorer or with `cast receipt <hash>`.'] })
  }
}

export class LocalChainResetWhileRunningError extends ModeldaoError {
  override name = 'LocalChainResetWhileRunningError'
  constructor(rpcUrl: string) {
    super('LOCAL_CHAIN_RESET_WHILE_RUNNING', `--reset needs the local chain stopped; it is running at ${rpcUrl}.`, {
      hints: ['Run `modeldao chain down` first, then `modeldao chain up --reset`.'],
    })
  }
}

export class LocalChainOtherIdRunningError extends ModeldaoError {
  override name = 'LocalChainOtherIdRunningError'
  constructor(chainId: number, rpcUrl: string) {
    super('LOCAL_CHAIN_OTHER_ID_RUNNING', `A local chain with id ${chainId} is already running at ${rpcUrl}.`, {
      hints: ['Stop it first with `modeldao chain down`.'],
    })
  }
}

export class LocalChainIdChangedError extends ModeldaoError {
  override name = 'LocalChainIdChangedError'
  constructor(saved: number, asked: number) {
    super('LOCAL_CHAIN_ID_CHANGED', `The saved local chain has id ${saved}, not ${asked}.`, {
      hints: [`Use --chain-id ${saved}, or start a fresh chain with --reset (its state is discarded).`],
    })
  }
}

export class DevAccountNotLocalError extends ModeldaoError {
  override name = 'DevAccountNotLocalError'
  constructor(chainId: number) {
    super('DEV_ACCOUNT_NOT_LOCAL', `--dev-account works only on a local chain (id 31337 or 1337), not on chain ${chainId}.`, {
      hints: ['Use a keystore account: `modeldao wallet create` then --account <name>.'],
    })
  }
}

export class DevAccountRangeError extends ModeldaoError {
  override name = 'DevAccountRangeError'
  constructor(index: number, count: number) {
    super('DEV_ACCOUNT_RANGE', `--dev-account must be an integer from 0 to ${count - 1}, got ${index}.`)
  }
}

export class NotALocalChainError extends ModeldaoError {
  override name = 'NotALocalChainError'
  constructor(what: string, chainId: number) {
    super('NOT_A_LOCAL_CHAIN', `${what} works only on a local chain (id 31337 or 1337), not on chain ${chainId}.`, {
      hints: ['On a real network, send native currency and the payment token from a funded account.'],
    })
  }
}

export class NoTestTokenError extends ModeldaoError {
  override name = 'NoTestTokenError'
  constructor(chainId: number, paymentToken: string) {
    super('NO_TEST_TOKEN', `The payment token on chain ${chainId} (${paymentToken}) is not the test stablecoin, which alone has a faucet.`, {
      hints: ['Fund with --eth only, or send the payment token from an account that holds it.'],
    })
  }
}

export class PaymentTokenRequiredError extends ModeldaoError {
  override name = 'PaymentTokenRequiredError'
  constructor(chainId: number) {
    super('PAYMENT_TOKEN_REQUIRED', `Chain ${chainId} is not a local chain: a payment token must be named.`, {
      details: 'Without one, deploy would create the test stablecoin, whose faucet anyone can mint from.',
      hints: ['Pass the address of an EIP-3009 stablecoin (e.g. USDC) with --payment-token.'],
    })
  }
}
