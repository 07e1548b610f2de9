/**
 * The index's tables. Amounts are uint256 on chain, so they are stored as decimal TEXT and added as bigints in
 * TypeScript (SQLite integers are 64-bit). Bump SCHEMA_VERSION on any change: an index of another version is rebuilt.
 */
export const SCHEMA_VERSION = 3

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- Blocks whose logs are applied, and each sync's tip: the hashes a reorg is detected with.
CREATE TABLE IF NOT EXISTS blocks (number INTEGER PRIMARY KEY, hash TEXT NOT NULL);
-- Every indexed log, decoded. undo holds what applying it overwrote, so a reorg can roll it back exactly.
CREATE TABLE IF NOT EXISTS events (
  block INTEGER NOT NULL, log_index INTEGER NOT NULL, tx TEXT NOT NULL, contract TEXT NOT NULL, name TEXT NOT NULL,
  model_id INTEGER, offering_id INTEGER, args TEXT NOT NULL, undo TEXT,
  PRIMARY KEY (block, log_index)
);
CREATE INDEX IF NOT EXISTS events_model ON events (model_id, name, block);
CREATE TABLE IF NOT EXISTS models (
  id INTEGER PRIMARY KEY, creator TEXT NOT NULL, manifest_cid TEXT NOT NULL, supply TEXT NOT NULL,
  royalty_bps INTEGER NOT NULL, fee_share_bps INTEGER NOT NULL, next_fee_share_bps INTEGER, next_fee_share_at INTEGER,
  price_per_request TEXT NOT NULL,
  admin TEXT NOT NULL, royalty_receiver TEXT NOT NULL, fees_deposited TEXT NOT NULL DEFAULT '0',
  fees_claimed TEXT NOT NULL DEFAULT '0', created_block INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS models_manifest ON models (manifest_cid);
CREATE TABLE IF NOT EXISTS balances (model_id INTEGER NOT NULL, account TEXT NOT NULL, balance TEXT NOT NULL, PRIMARY KEY (model_id, account));
CREATE INDEX IF NOT EXISTS balances_account ON balances (account);
CREATE TABLE IF NOT EXISTS offerings (
  id INTEGER PRIMARY KEY, model_id INTEGER NOT NULL, seller TEXT NOT NULL, payment_token TEXT NOT NULL,
  amount TEXT NOT NULL, remaining TEXT NOT NULL, price_per_share TEXT NOT NULL, start INTEGER NOT NULL,
  end INTEGER NOT NULL, closed TEXT, created_block INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS offerings_model ON offerings (model_id, closed);
CREATE INDEX IF NOT EXISTS offerings_seller ON offerings (seller);
-- Each model's DAO (DaoFactory.DaoCreated): the governor's address is where its proposals and votes are logged.
CREATE TABLE IF NOT EXISTS daos (
  model_id INTEGER PRIMARY KEY, governor TEXT NOT NULL UNIQUE, timelock TEXT NOT NULL, votes TEXT NOT NULL,
  timelock_delay INTEGER NOT NULL, created_block INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS events_name ON events (contract, name, model_id);
-- Model names read from manifests (a manifest CID never changes its content, so a name is cached forever).
CREATE TABLE IF NOT EXISTS manifest_names (cid TEXT PRIMARY KEY, name TEXT NOT NULL);
`

/** Tables cleared by a rebuild (manifest names stay: they depend on the CID only, not on the chain). */
export const CHAIN_TABLES = ['meta', 'blocks', 'events', 'models', 'balances', 'offerings', 'daos'] as const
