import { homedir } from 'node:os'
import { join, resolve } from 'node:path'

/** Where modeldao keeps its state: keystores, the local chain, deployments. */
export type HomeLayout = {
  root: string
  keystores: string
  /** Local anvil: process record, persisted state, log. */
  localChain: string
  /** One `<chainId>.json` per chain with the addresses of the deployed protocol. */
  deployments: string
  /** The IPFS repo: pack files, block index, pins. */
  ipfs: string
  /** One `<chainId>.sqlite` per chain: the local index of the protocol's logs (models, holders, offerings, fees). */
  index: string
  /** Verified model files fetched for serving, one folder per manifest CID. */
  models: string
  /** The serving node's state: receipt drafts (SQLite). */
  serving: string
  /** A validator's own record: the spot checks it ran and their verdicts (SQLite). */
  validator: string
  /** A paying client's own record: the payment channels it opened, so later requests reuse them (JSON). */
  client: string
}

/** The home folder: explicit value, else `MODELDAO_HOME`, else `~/.modeldao`. */
export function resolveHome(explicit?: string | undefined): string {
  return resolve(explicit ?? process.env.MODELDAO_HOME ?? join(homedir(), '.modeldao'))
}

/** The folders under a home folder. Pure: creates nothing. */
export function homeLayout(root: string): HomeLayout {
  return {
    root,
    keystores: join(root, 'keystores'),
    localChain: join(root, 'chain'),
    deployments: join(root, 'deployments'),
    ipfs: join(root, 'ipfs'),
    index: join(root, 'index'),
    models: join(root, 'models'),
    serving: join(root, 'serving'),
    validator: join(root, 'validator'),
    client: join(root, 'client'),
  }
}
