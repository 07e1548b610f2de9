// modeldao/contracts — the generated, typed contract registry: `as const` ABIs, creation bytecode, deployment order.
export * from './core/chain/protocol/generated/contracts.js'
export { protocolSteps, protocolErrorsAbi, type ProtocolContractName, type ProtocolErrorName, type ProtocolAbi } from './core/chain/protocol/registry.js'
