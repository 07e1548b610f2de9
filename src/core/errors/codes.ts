/** Exit codes shared by every command. Stable: scripts depend on them. */
export const ExitCode = {
  /** Something failed that the user cannot fix by changing input (a bug, an I/O failure), or an interruption. */
  internal: 1,
  /** Bad usage: unknown flag, bad flag value, missing argument, no confirmation. */
  usage: 2,
  /** Input was understood but is not acceptable (wrong password, corrupt file, wrong chain, a contract revert). */
  invalidInput: 3,
  /** Something the command needs is missing or unreachable (RPC down, binary missing, port taken). */
  unavailable: 4,
} as const
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode]

const { internal, usage, invalidInput, unavailable } = ExitCode

/**
 * Every error code modeldao uses: one meaning each, and the exit code that goes with it. Stable: scripts and apps
 * match on them. Contract reverts add one `REVERT_<ERROR_NAME>` code per Solidity custom error (see chain/protocol).
 */
export const errorCatalogue = {
  // generic
  USAGE: { exitCode: usage, meaning: 'A flag or argument is missing, unknown or malformed.' },
  INTERNAL: { exitCode: internal, meaning: 'An unexpected failure: a bug to report.' },
  INTERRUPTED: { exitCode: internal, meaning: 'Ctrl-C or SIGTERM stopped the work; what was done is kept.' },
  DEMO_HOME_USED: { exitCode: usage, meaning: 'The demo needs an empty home folder; the one given holds keystores or a chain already.' },
  CONFIRMATION_REQUIRED: { exitCode: usage, meaning: 'A transaction needs a yes and there is no terminal (pass --yes).' },
  CANCELLED: { exitCode: usage, meaning: 'The user answered no to a confirmation.' },
  DISK_FULL: { exitCode: unavailable, meaning: 'The disk holding the home folder is full.' },
  NODE_TOO_OLD: { exitCode: unavailable, meaning: 'The Node.js running modeldao is older than 22 (said by bin/run.js).' },
  TOOL_NOT_FOUND: { exitCode: unavailable, meaning: 'A Foundry binary (anvil, forge, cast) is not installed.' },
  TEMPLATE_UNREADABLE: { exitCode: invalidInput, meaning: 'A model card template file cannot be read.' },
  INVALID_DURATION: { exitCode: usage, meaning: 'A duration is not a number with a unit (90s, 2h, 7d).' },
  TIME_INVALID: { exitCode: usage, meaning: 'A time is neither ISO 8601 nor "now".' },
  AMOUNT_INVALID: { exitCode: usage, meaning: 'A token or currency amount is not a non-negative decimal number.' },
  ADDRESS_INVALID: { exitCode: usage, meaning: 'A value that must be an address is not one.' },
  // chain
  RPC_UNREACHABLE: { exitCode: unavailable, meaning: 'The JSON-RPC endpoint does not answer.' },
  CHAIN_ID_MISMATCH: { exitCode: invalidInput, meaning: 'The endpoint reports another chain id than expected.' },
  LOCAL_CHAIN_NOT_RUNNING: { exitCode: unavailable, meaning: 'No local chain is running and no --rpc-url was given.' },
  LOCAL_CHAIN_START_FAILED: { exitCode: unavailable, meaning: 'anvil exited or did not answer after start.' },
  LOCAL_CHAIN_STOP_TIMEOUT: { exitCode: internal, meaning: 'anvil did not exit after SIGTERM.' },
  LOCAL_CHAIN_RESET_WHILE_RUNNING: { exitCode: invalidInput, meaning: '--reset was asked while the local chain runs.' },
  LOCAL_CHAIN_OTHER_ID_RUNNING: { exitCode: invalidInput, meaning: 'A local chain with another chain id is already running.' },
  LOCAL_CHAIN_ID_CHANGED: { exitCode: invalidInput, meaning: 'The saved local chain has another chain id than asked.' },
  PORT_IN_USE: { exitCode: unavailable, meaning: 'The port to listen on is taken.' },
  NOT_A_DEV_CHAIN: { exitCode: invalidInput, meaning: 'The endpoint has no anvil_* methods (time travel, mining).' },
  DEV_ACCOUNT_NOT_LOCAL: { exitCode: usage, meaning: '--dev-account was used on a chain that is not local.' },
  DEV_ACCOUNT_RANGE: { exitCode: usage, meaning: '--dev-account is outside 0-9.' },
  NOT_DEPLOYED: { exitCode: unavailable, meaning: 'There is no deployments file for this chain.' },
  DEPLOYMENT_INCOMPLETE: { exitCode: unavailable, meaning: 'The deployments file lacks a protocol contract.' },
  ALREADY_DEPLOYED: { exitCode: invalidInput, meaning: 'A deployment exists and --force was not given.' },
  PAYMENT_TOKEN_REQUIRED: { exitCode: invalidInput, meaning: 'A deploy to a non-local chain named no payment token.' },
  DEPLOYMENTS_CORRUPT: { exitCode: invalidInput, meaning: 'The deployments file is not valid JSON.' },
  DEPLOYMENTS_MISMATCH: { exitCode: invalidInput, meaning: 'The deployments file does not match the chain it names.' },
  NOT_A_LOCAL_CHAIN: { exitCode: invalidInput, meaning: 'A local-chain-only action (funding from dev accounts) was asked of another chain.' },
  NO_TEST_TOKEN: { exitCode: invalidInput, meaning: "The deployment's payment token has no faucet." },
  INSUFFICIENT_FUNDS: { exitCode: invalidInput, meaning: 'The signer cannot pay for gas or value.' },
  TX_REVERTED: { exitCode: invalidInput, meaning: 'A transaction reverted without a known custom error.' },
  TX_FAILED: { exitCode: internal, meaning: 'A mined transaction did not do what it must (no contract, no event).' },
  // wallet
  NO_ACCOUNT: { exitCode: usage, meaning: 'The command needs an account and none was named.' },
  ACCOUNT_AMBIGUOUS: { exitCode: usage, meaning: 'More than one signer source was given.' },
  PRIVATE_KEY_INVALID: { exitCode: usage, meaning: 'MODELDAO_PRIVATE_KEY is not 32 bytes of hex.' },
  NOTHING_TO_IMPORT: { exitCode: usage, meaning: 'wallet import got neither a keystore nor a private key.' },
  PASSWORD_REQUIRED: { exitCode: usage, meaning: 'No password source: no MODELDAO_PASSWORD and no terminal.' },
  KEYSTORE_NOT_FOUND: { exitCode: invalidInput, meaning: 'No keystore with that name or address.' },
  KEYSTORE_EXISTS: { exitCode: invalidInput, meaning: 'A keystore with that name exists (never overwritten).' },
  KEYSTORE_NAME_INVALID: { exitCode: usage, meaning: 'A keystore name has characters other than letters, digits, - and _.' },
  KEYSTORE_WRONG_PASSWORD: { exitCode: invalidInput, meaning: 'The password does not open the keystore.' },
  KEYSTORE_CORRUPT: { exitCode: invalidInput, meaning: 'The keystore file is not a readable v3 keystore.' },
  // ipfs
  CID_INVALID: { exitCode: usage, meaning: 'A value that must be a CID is not one.' },
  CID_PROFILE_UNKNOWN: { exitCode: usage, meaning: 'No CID profile with that name.' },
  MULTIADDR_INVALID: { exitCode: usage, meaning: 'A value that must be a libp2p multiaddr is not one.' },
  UNSUPPORTED_HASH: { exitCode: invalidInput, meaning: 'A CID uses a hash function modeldao cannot verify.' },
  CODEC_UNSUPPORTED: { exitCode: invalidInput, meaning: 'A block is neither dag-pb nor raw.' },
  BLOCK_CORRUPT: { exitCode: invalidInput, meaning: 'A stored block does not match its CID.' },
  BLOCK_TAMPERED: { exitCode: invalidInput, meaning: 'A peer or gateway sent bytes that do not match the CID.' },
  SOURCES_EXHAUSTED: { exitCode: unavailable, meaning: 'Every peer and gateway of a fetch failed or was dropped (each one says why).' },
  BLOCK_UNAVAILABLE: { exitCode: unavailable, meaning: 'A block is neither local nor served by the source.' },
  SOURCE_UNREACHABLE: { exitCode: unavailable, meaning: 'The peer or gateway cannot be reached.' },
  NOT_PINNED: { exitCode: invalidInput, meaning: 'ipfs unpin was given a CID that is not pinned.' },
  CAR_INVALID: { exitCode: invalidInput, meaning: 'A CAR file is malformed, tampered or incomplete.' },
  IPFS_LISTEN_FAILED: { exitCode: unavailable, meaning: 'The IPFS node cannot listen on the asked address.' },
  GATEWAY_LISTEN_FAILED: { exitCode: unavailable, meaning: 'The gateway cannot listen on the asked host and port.' },
  // pinning service
  PINNING_TOKEN_MISSING: { exitCode: usage, meaning: 'No pinning service token: no MODELDAO_PINNING_TOKEN and no readable token file.' },
  PINNING_SERVICE_UNREACHABLE: { exitCode: unavailable, meaning: 'The remote pinning service does not answer.' },
  PINNING_UNAUTHORIZED: { exitCode: invalidInput, meaning: 'The pinning service refused the access token (HTTP 401).' },
  PINNING_REQUEST_REJECTED: { exitCode: invalidInput, meaning: 'The pinning service refused a request (HTTP 4xx with its reason).' },
  PINNING_SERVICE_FAILED: { exitCode: unavailable, meaning: 'The pinning service failed (HTTP 5xx) or answered something else than the API.' },
  PIN_FAILED: { exitCode: unavailable, meaning: 'The pinning service gave up on a pin request (status failed).' },
  PINNING_ORIGIN_REQUIRED: { exitCode: usage, meaning: 'A remote pin needs an origin and none was given.' },
  PINNING_LISTEN_FAILED: { exitCode: unavailable, meaning: 'The pinning service API cannot listen on the asked host and port.' },
  // models
  PUBLISH_NO_INPUT: { exitCode: invalidInput, meaning: 'publish was given no path.' },
  PUBLISH_PATH_MISSING: { exitCode: invalidInput, meaning: 'A path to publish does not exist.' },
  PUBLISH_NOT_A_FILE: { exitCode: invalidInput, meaning: 'A path to publish is neither a file nor a directory (or, for `ipfs add`, not a file).' },
  PUBLISH_EMPTY_DIR: { exitCode: invalidInput, meaning: 'A directory to publish holds no file.' },
  PUBLISH_SYMLINK_LOOP: { exitCode: invalidInput, meaning: 'Symbolic links to publish form a loop.' },
  PUBLISH_BROKEN_LINK: { exitCode: invalidInput, meaning: 'A symbolic link to publish points nowhere.' },
  PUBLISH_DUPLICATE_PATH: { exitCode: invalidInput, meaning: 'Two inputs map to the same manifest path.' },
  PUBLISH_UNREADABLE: { exitCode: invalidInput, meaning: 'A file to publish cannot be read.' },
  GGUF_MALFORMED: { exitCode: invalidInput, meaning: 'A .gguf file has no readable GGUF header.' },
  MANIFEST_INVALID: { exitCode: invalidInput, meaning: 'A model card manifest does not follow the schema.' },
  MANIFEST_PATH_UNSAFE: { exitCode: invalidInput, meaning: 'A manifest file path points outside the output folder.' },
  SHA256_MISMATCH: { exitCode: invalidInput, meaning: "A file's bytes disagree with the manifest's size or sha256." },
  TERMS_INVALID: { exitCode: usage, meaning: "A model's terms (supply, royalty, fee share, price) are out of range." },
  MODEL_INCOMPLETE: { exitCode: unavailable, meaning: 'A model is not complete in the local repo and no source was given.' },
  MODEL_UNKNOWN: { exitCode: invalidInput, meaning: 'No model with that id on this chain.' },
  // shares market and fees
  SHARE_AMOUNT_INVALID: { exitCode: usage, meaning: 'A number of shares is not a positive integer.' },
  OFFER_UNKNOWN: { exitCode: invalidInput, meaning: 'No share offer with that id on this chain.' },
  OFFER_NOT_OPEN: { exitCode: invalidInput, meaning: 'A share offer is not open (upcoming, ended, sold out, cancelled or withdrawn).' },
  NOT_OFFER_SELLER: { exitCode: invalidInput, meaning: 'Only the seller of an offer may cancel it.' },
  SHARES_INSUFFICIENT: { exitCode: invalidInput, meaning: 'The account holds fewer shares than it tries to sell or transfer.' },
  NOT_ENOUGH_ON_OFFER: { exitCode: invalidInput, meaning: 'Fewer shares are on offer (at or below --max-price) than asked for.' },
  PRICE_ABOVE_MAX: { exitCode: invalidInput, meaning: 'The chosen offer asks more a share than --max-price.' },
  TOKEN_BALANCE_INSUFFICIENT: { exitCode: invalidInput, meaning: 'The account holds too little of the payment token.' },
  NOTHING_TO_CLAIM: { exitCode: invalidInput, meaning: 'The account has no claimable fees in the models named.' },
  // governance (model DAOs, quality staking)
  DAO_MISSING: { exitCode: invalidInput, meaning: 'The model has no DAO yet (`dao create`).' },
  DAO_EXISTS: { exitCode: invalidInput, meaning: 'The model has a DAO already.' },
  NOT_MODEL_ADMIN: { exitCode: invalidInput, meaning: "Only the model's admin may do this." },
  PROPOSAL_UNKNOWN: { exitCode: invalidInput, meaning: 'No proposal with that id (in that model, or the id is ambiguous across models).' },
  PROPOSAL_INVALID: { exitCode: usage, meaning: 'A proposal is missing its actions or a value of one is out of range.' },
  PROPOSAL_STATE: { exitCode: invalidInput, meaning: 'The proposal is not in a state that allows this (voting not started or over, not passed, not yet executable).' },
  ALREADY_VOTED: { exitCode: invalidInput, meaning: 'The account has voted on the proposal already.' },
  NO_VOTING_POWER: { exitCode: invalidInput, meaning: "The account had no votes at the proposal's snapshot." },
  BELOW_PROPOSAL_THRESHOLD: { exitCode: invalidInput, meaning: 'The account has fewer votes than the proposal threshold.' },
  NOT_A_VERSION_PROPOSAL: { exitCode: invalidInput, meaning: 'Stakes are taken only on version proposals.' },
  NOTHING_STAKED: { exitCode: invalidInput, meaning: 'The account has no stake to claim (none, lost, claimed, or not yet decided).' },
  DESCRIPTION_UNREADABLE: { exitCode: invalidInput, meaning: 'A proposal description file cannot be read, or is empty.' },
  // serving node
  DEV_MODEL_OPTIONS_INVALID: { exitCode: usage, meaning: 'A dev model option is out of range (layers above the preset, a negative seed).' },
  MODEL_HAS_NO_GGUF: { exitCode: invalidInput, meaning: 'A model to serve has no GGUF file (or several, and none was chosen).' },
  WEIGHTS_MISMATCH: { exitCode: invalidInput, meaning: "A weights file's CID or sha256 differs from the on-chain manifest: the node refuses to load it." },
  WEIGHTS_NOT_FOUND: { exitCode: invalidInput, meaning: 'A local weights path given to serve does not exist or lacks a manifest file.' },
  GPU_UNAVAILABLE: { exitCode: unavailable, meaning: 'The --gpu backend asked for is not available on this machine (or llama.cpp has no binary for it).' },
  ENGINE_LOAD_FAILED: { exitCode: invalidInput, meaning: 'llama.cpp could not load the model or create its context.' },
  NODE_LISTEN_FAILED: { exitCode: unavailable, meaning: "The serving node's HTTP port is taken or cannot be bound." },
  NODE_OPTIONS_INVALID: { exitCode: usage, meaning: 'A serving node option is out of range (parallel, context size, limits).' },
  // paying clients
  NODE_UNREACHABLE: { exitCode: unavailable, meaning: 'Nothing answers at a serving node URL, or what answers is not a modeldao node.' },
  NODE_REQUEST_FAILED: { exitCode: invalidInput, meaning: 'A serving node refused a request for a reason other than payment (too long, busy, a bad parameter).' },
  PAYMENT_REFUSED: { exitCode: invalidInput, meaning: "A serving node refused the client's payment; its reason (e.g. insufficient_channel_balance) is named." },
  COST_ABOVE_LIMIT: { exitCode: invalidInput, meaning: "A node's price ceiling for a request is above the client's --max-cost." },
  PAYMENT_TERMS_UNUSABLE: { exitCode: invalidInput, meaning: "A node takes payment on another chain or through other contracts than the home's deployment." },
  NODE_OVERCLAIMED: { exitCode: invalidInput, meaning: 'A node reported more consumed on a channel than the client ever signed for; the client refuses to sign more.' },
  CHALLENGE_REPLAYS_MATCH: { exitCode: invalidInput, meaning: 'verify challenge replayed the receipt first and it matches the registered weights: nothing was filed (--force overrides).' },
  CHALLENGE_UNREPLAYED: { exitCode: unavailable, meaning: 'verify challenge could not replay the receipt before filing (weights unreachable, a malformed receipt); --force files anyway.' },
  NO_RECEIPT: { exitCode: invalidInput, meaning: 'A receipt file was asked for but the node served the answer for free and signed none.' },
  RECEIPT_WITHHELD: { exitCode: invalidInput, meaning: 'A node took payment for an answer and sent no signed receipt with it; the client keeps the evidence and pays that operator no more.' },
  RECEIPT_INVALID: { exitCode: invalidInput, meaning: "A node's receipt is not the receipt of the exchange: another request, another text, other token counts, a cost off the quoted terms, or not the operator's signature." },
  NODE_FAULTED: { exitCode: invalidInput, meaning: 'This home recorded a fault (a withheld or invalid receipt) against the operator: nothing more is signed to it.' },
  CHANNEL_UNUSABLE: { exitCode: invalidInput, meaning: "A payment channel cannot pay this node: unknown, another payer or operator, or being withdrawn." },
  CHANNEL_EMPTY: { exitCode: invalidInput, meaning: 'A withdrawal was asked of a payment channel that holds nothing.' },
  NOTHING_TO_WITHDRAW: { exitCode: invalidInput, meaning: 'An operator has no earnings to withdraw (channel settlements or exact payments).' },
  // verification (replaying receipts)
  REPLAY_PROMPT_MISMATCH: { exitCode: invalidInput, meaning: "The prompt tokens given to a replay do not hash to the receipt's promptHash." },
  RECEIPT_MALFORMED: { exitCode: invalidInput, meaning: "A receipt's output tokens, log-probabilities and logit gaps do not line up, or name tokens outside the model's vocabulary." },
  REPLAY_CONTEXT_TOO_SMALL: { exitCode: usage, meaning: "The replay engine's context cannot hold the receipt's prompt and output." },
  REPLAY_NO_SEQUENCE: { exitCode: unavailable, meaning: 'Every sequence of the replay engine is in use.' },
} as const satisfies Record<string, { exitCode: ExitCode; meaning: string }>

export type CatalogueCode = keyof typeof errorCatalogue
/** A Solidity custom error of a protocol contract, decoded: `REVERT_` + the error name in SCREAMING_SNAKE. */
export type RevertCode = `REVERT_${string}`
export type ErrorCode = CatalogueCode | RevertCode
