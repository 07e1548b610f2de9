import { ExitCode, ModeldaoError } from '../errors/base.js'

export class RpcUnreachableError extends ModeldaoError {
  override name = 'RpcUnreachableError'
  constructor(rpcUrl: string, cause?: unknown) {
    super('RPC_UNREACHABLE', `Cannot reach the RPC endpoint ${rpcUrl}.`, {
      details: cause instanceof Error ? cause.message.split('\n')[0] : undefined,
      hints: [
        'Start the local chain with `modeldao chain up`, or pass a reachable endpoint with --rpc-url.',
      ],
      cause,
      exitCode: ExitCode.unavailable,
    })
  }
}

export class ChainIdMismatchError extends ModeldaoError {
  override name = 'ChainIdMismatchError'
  constructor(params: { expected: number; actual: number; rpcUrl: string; source: string }) {
    super('CHAIN_ID_MISMATCH', `Chain id mismatch: ${params.source} says ${params.expected}, ${params.rpcUrl} reports ${params.actual}.`, {
      hints: [
        `Use --chain-id ${params.actual} for this endpoint, or point --rpc-url at the chain with id ${params.expected}.`,
      ],
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

export class NotDeployedError extends ModeldaoError {
  override name = 'NotDeployedError'
  constructor(chainId: number, file: string) {
    super('NOT_DEPLOYED', `The modeldao protocol is not deployed on chain ${chainId}.`, {
      details: `No deployments file at ${file}.`,
      hints: ['Deploy it with `modeldao deploy` (or `modeldao chain up` for the local chain).'],
      exitCode: ExitCode.unavailable,
    })
  }
}

export class PortInUseError extends ModeldaoError {
  override name = 'PortInUseError'
  constructor(host: string, port: number) {
    super('PORT_IN_USE', `Port ${port} on ${host} is already in use.`, {
      hints: ['Pick another port with --port, or leave --port out to use a free one.'],
      exitCode: ExitCode.unavailable,
    })
  }
}

export class LocalChainStartError extends ModeldaoError {
  override name = 'LocalChainStartError'
  constructor(reason: string, logTail: string, logFile: string) {
    super('LOCAL_CHAIN_START_FAILED', `The local chain (anvil) did not start: ${reason}.`, {
      details: logTail ? `last lines of ${logFile}:\n${logTail}` : `see ${logFile}`,
      hints: ['Check the log above; `modeldao chain down` clears a stale record.'],
      exitCode: ExitCode.unavailable,
    })
  }
}

export class LocalChainNotRunningError extends ModeldaoError {
  override name = 'LocalChainNotRunningError'
  constructor(home: string) {
    super('LOCAL_CHAIN_NOT_RUNNING', 'The local chain is not running.', {
      details: `No running anvil recorded under ${home}.`,
      hints: ['Start it with `modeldao chain up`.'],
      exitCode: ExitCode.unavailable,
    })
  }
}

export class InvalidDurationError extends ModeldaoError {
  override name = 'InvalidDurationError'
  constructor(value: string) {
    super('INVALID_DURATION', `Cannot read "${value}" as a duration.`, {
      hints: ['Use a number with a unit: 90s, 15m, 2h, 7d, 1w (or plain seconds: 3600).'],
      exitCode: ExitCode.usage,
    })
  }
}
