// What users read, as snapshots: every command's --help and every error class's text. A change to either is a
// visible diff in test/cli/__snapshots__/ (update with `npx vitest run -u` and review it like code).
import { fileURLToPath } from 'node:url'
import { Config, Help } from '@oclif/core'
import { describe, expect, it } from 'vitest'
import { renderError } from '../../src/cli/baseCommand.js'
import * as chainErrors from '../../src/core/chain/errors.js'
import { ContractRevertError } from '../../src/core/chain/protocol/reverts.js'
import * as baseErrors from '../../src/core/errors/base.js'
import { errorCatalogue, ModeldaoError } from '../../src/core/errors/base.js'
import * as ipfsErrors from '../../src/core/ipfs/errors.js'
import * as pinningErrors from '../../src/core/ipfs/pinning/errors.js'
import * as modelErrors from '../../src/core/models/errors.js'
import * as servingErrors from '../../src/core/serving/errors.js'
import * as receiptErrors from '../../src/core/receipts/errors.js'
import * as verifyErrors from '../../src/core/verify/errors.js'
import * as governanceErrors from '../../src/core/governance/errors.js'
import * as shareErrors from '../../src/core/shares/errors.js'
import { ToolNotFoundError } from '../../src/core/tools/binaries.js'
import * as unitErrors from '../../src/core/units/errors.js'
import * as walletErrors from '../../src/core/wallet/errors.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
const cause = new Error('connect ECONNREFUSED 127.0.0.1:9')
const cid = 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku'

/** One instance of every error a user can meet, with representative arguments. */
const samples: ModeldaoError[] = [
  new baseErrors.InterruptedError('Publishing', 'Run the same command again to finish.'),
  new baseErrors.ConfirmationRequiredError(),
  new baseErrors.CancelledError(),
  new baseErrors.DiskFullError('/home/u/.modeldao/ipfs', 'Free space, then run the same command again.'),
  new baseErrors.AddressInvalidError('--payment-token', '0x12'),
  new ToolNotFoundError('anvil'),
  new chainErrors.RpcUnreachableError('http://127.0.0.1:9', cause),
  new chainErrors.ChainIdMismatchError({ expected: 5, actual: 31337, rpcUrl: 'http://127.0.0.1:8545', source: '--chain-id' }),
  new chainErrors.DeploymentsMismatchError({ chainId: 31337, file: '/h/deployments/31337.json', reason: 'no code at ModelShares 0x01' }),
  new chainErrors.DeploymentsCorruptError('/h/deployments/31337.json', cause),
  new chainErrors.NotDeployedError(10, '/h/deployments/10.json'),
  new chainErrors.DeploymentIncompleteError(31337, 'ShareOffering', '/h/deployments'),
  new chainErrors.AlreadyDeployedError(31337, '/h/deployments/31337.json'),
  new chainErrors.PaymentTokenRequiredError(8453),
  new chainErrors.PortInUseError('127.0.0.1', 8545),
  new chainErrors.LocalChainStartError('anvil exited with code 1', 'error: address in use', '/h/chain/anvil.log'),
  new chainErrors.LocalChainNotRunningError('/h'),
  new chainErrors.LocalChainStopTimeoutError(4242, 5),
  new chainErrors.NotADevChainError(new Error('method anvil_mine not found')),
  new chainErrors.InsufficientFundsError('0x0000000000000000000000000000000000000001', 31337, cause),
  new chainErrors.TransactionRevertedError('ModelShares.createModel', 'no reason given'),
  new chainErrors.TransactionFailedError('Deploying ModelShares created no contract (transaction 0xab).'),
  new chainErrors.LocalChainResetWhileRunningError('http://127.0.0.1:8545'),
  new chainErrors.LocalChainOtherIdRunningError(31337, 'http://127.0.0.1:8545'),
  new chainErrors.LocalChainIdChangedError(31337, 1337),
  new chainErrors.DevAccountNotLocalError(10),
  new chainErrors.DevAccountRangeError(12, 10),
  new ContractRevertError({ call: 'ModelShares.createModel', errorName: 'ModelSharesInvalidSupply', args: { supply: 2n ** 96n, max: 2n ** 96n - 1n } }),
  new unitErrors.InvalidDurationError('soon'),
  new unitErrors.AmountInvalidError('--eth', 'lots'),
  new unitErrors.TimeInvalidError('--created-at', 'yesterday-ish'),
  new chainErrors.NotALocalChainError('Funding from dev accounts', 10),
  new chainErrors.NoTestTokenError(31337, '0x0000000000000000000000000000000000000002'),
  new walletErrors.KeystoreNotFoundError('nobody', ['alice', 'bob']),
  new walletErrors.KeystoreExistsError('alice', '/h/keystores/alice.json'),
  new walletErrors.KeystoreWrongPasswordError('alice'),
  new walletErrors.KeystoreCorruptError('alice', 'invalid JSON'),
  new walletErrors.InvalidKeystoreNameError('a/b'),
  new walletErrors.PasswordRequiredError('no terminal to ask for the password of keystore "alice"'),
  new walletErrors.NoAccountError(),
  new walletErrors.AccountAmbiguousError(),
  new walletErrors.PrivateKeyInvalidError('MODELDAO_PRIVATE_KEY must be 32 bytes of hex.'),
  new walletErrors.NothingToImportError(),
  new ipfsErrors.BlockCorruptError(cid, 'pack 3'),
  new ipfsErrors.UnsupportedHashError(cid, 0x13),
  new ipfsErrors.InvalidCidError('bafy-not'),
  new ipfsErrors.CodecUnsupportedError(cid, 0x71),
  new ipfsErrors.CidProfileUnknownError('kubo-v2', ['kubo-v1', 'unixfs-v1-2025']),
  new ipfsErrors.MultiaddrInvalidError('not-an-addr', cause),
  new ipfsErrors.TamperedBlockError(cid, 'http://127.0.0.1:8080'),
  new ipfsErrors.SourceUnreachableError('http://127.0.0.1:8080', cause),
  new ipfsErrors.SourcesExhaustedError(`block ${cid}`, [
    { source: '/ip4/10.0.0.5/tcp/4001/p2p/12D3KooWExample', reason: `/ip4/10.0.0.5/tcp/4001/p2p/12D3KooWExample sent bytes for ${cid} that do not match the CID; the block was rejected.` },
    { source: 'http://127.0.0.1:8080', reason: 'Cannot fetch from http://127.0.0.1:8080.' },
  ]),
  new ipfsErrors.BlockUnavailableError(cid, 'http://127.0.0.1:8080', 404),
  new ipfsErrors.CarInvalidError('model.car lacks block x of root y.', 'Export the CAR with the whole DAG (dag-scope=all).'),
  new ipfsErrors.Sha256MismatchError('model.gguf', 'sha256 is 00…, the manifest says ff…'),
  new ipfsErrors.IpfsListenError(['/ip4/127.0.0.1/tcp/4001'], cause),
  new ipfsErrors.GatewayListenError('127.0.0.1', 8080, cause),
  new ipfsErrors.NotPinnedError(cid),
  new pinningErrors.PinningTokenMissingError('MODELDAO_PINNING_TOKEN is not set and no token file was given'),
  new pinningErrors.PinningServiceUnreachableError('https://pin.example.com', cause),
  new pinningErrors.PinningUnauthorizedError('https://pin.example.com', 'MODELDAO_PINNING_TOKEN'),
  new pinningErrors.PinningRequestRejectedError('https://pin.example.com', 400, 'BAD_REQUEST', 'cid: "bafy-not" is not a valid CID.'),
  new pinningErrors.PinningServiceFailedError('https://pin.example.com', 'HTTP 503'),
  new pinningErrors.PinFailedError(cid, 'https://pin.example.com', 'could not fetch from any origin (http://127.0.0.1:8080: HTTP 404)'),
  new pinningErrors.PinningOriginRequiredError(cid, 'https://pin.example.com'),
  new pinningErrors.PinningListenError('127.0.0.1', 9097, cause),
  new modelErrors.GgufMalformedError('/w/model.gguf', 'truncated header'),
  new modelErrors.ManifestInvalidError(['files[0].sha256 is not 64 hex digits']),
  new modelErrors.PublishInputError('PUBLISH_PATH_MISSING', '/w/nope does not exist.', 'Check the path.'),
  new modelErrors.ManifestPathUnsafeError('../../etc/passwd', '/out'),
  new modelErrors.TemplateUnreadableError('/t/card.json', cause),
  new modelErrors.TermsInvalidError('The royalty must be between 0 and 25%, got 30.'),
  new modelErrors.ModelUnknownError(7n, 31337),
  new modelErrors.ModelIncompleteError('tiny', 'model.gguf', new Error('block bafk… is not in the local repo')),
  new shareErrors.ShareAmountInvalidError('--amount', '1.5'),
  new shareErrors.OfferUnknownError(42, 31337),
  new shareErrors.OfferNotOpenError(3, 'sold-out'),
  new shareErrors.NotOfferSellerError(3, '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'),
  new shareErrors.SharesInsufficientError({ modelId: 1, account: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC', requested: 500n, held: 120n }),
  new shareErrors.NotEnoughOnOfferError({ modelId: 1, requested: 400n, available: 300n, maxPrice: '2.5 tUSD' }),
  new shareErrors.PriceAboveMaxError({ offeringId: 4, price: '4 tUSD', maxPrice: '3 tUSD' }),
  new shareErrors.TokenBalanceInsufficientError({ account: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC', symbol: 'tUSD', needed: '900', held: '12.5', local: true }),
  new shareErrors.NothingToClaimError('0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC', 'in any model'),
  new servingErrors.ModelHasNoGgufError('3', []),
  new servingErrors.ModelHasNoGgufError('3', ['a.gguf', 'b.gguf']),
  new servingErrors.WeightsMismatchError('/w/model.gguf', 'sha256', 'ff'.repeat(32), '00'.repeat(32)),
  new servingErrors.WeightsNotFoundError('/w/copy', 'it has no model.gguf'),
  new servingErrors.GpuUnavailableError('cuda', new Error('No CUDA binary found')),
  new servingErrors.EngineLoadError('/w/model.gguf', new Error('Failed to load model')),
  new servingErrors.NodeListenError('127.0.0.1', 8000, new Error('listen EADDRINUSE: address already in use 127.0.0.1:8000')),
  new servingErrors.NodeOptionsInvalidError('--parallel must be a whole number from 1 to 256, got 0.', 'Pass --parallel within range; see `modeldao node serve --help`.'),
  new servingErrors.DevModelOptionsInvalidError('--layers 9 is out of range: the tiny preset has 2 layers (use 1 to 2).'),
  new verifyErrors.PromptHashMismatchError('ab'.repeat(32), 'cd'.repeat(32), 17),
  new receiptErrors.ReceiptMalformedError('48 output tokens but 47 log-probabilities and 48 logit gaps'),
  new verifyErrors.ReplayContextTooSmallError(4100, 2048),
  new verifyErrors.ReplayNoSequenceError(1),
  new governanceErrors.DaoMissingError(3),
  new governanceErrors.DaoExistsError(1, '0x5FbDB2315678afecb367f032d93F642f64180aa3'),
  new governanceErrors.NotModelAdminError(1, '0x5FbDB2315678afecb367f032d93F642f64180aa3', '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'),
  new governanceErrors.ProposalUnknownError('7', 'models 1, 2 each have one', ['Name the model: --model 1.']),
  new governanceErrors.ProposalInvalidError('A params proposal needs at least one change.', 'Pass e.g. --price, --fee-share, --voting-period or --quorum.'),
  new governanceErrors.ProposalStateError('Voting on proposal 7 of model 1 has not started: it starts after block 120, now 118.', 'Vote in 3 blocks (on the local chain: `modeldao chain mine --blocks 3`).'),
  new governanceErrors.AlreadyVotedError('7 of model 1', '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', 'for'),
  new governanceErrors.NoVotingPowerError('7 of model 1', '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', 120),
  new governanceErrors.BelowProposalThresholdError('0x70997970C51812dc3A010C7d01b50e0d17dc79C8', 0n, 1000n),
  new governanceErrors.NotAVersionProposalError('7 of model 1'),
  new governanceErrors.NothingStakedError('0x70997970C51812dc3A010C7d01b50e0d17dc79C8', 'in any decided round'),
  new governanceErrors.DescriptionUnreadableError('why.md', 'no such file'),
]

describe('user-facing text', () => {
  it('every error class has a sample here (add one when you add an error)', () => {
    const classes = [baseErrors, chainErrors, unitErrors, walletErrors, ipfsErrors, pinningErrors, modelErrors, shareErrors, servingErrors, governanceErrors, { ToolNotFoundError, ContractRevertError }]
      .flatMap((module) => Object.values(module))
      .filter((value): value is typeof ModeldaoError => typeof value === 'function' && value.prototype instanceof ModeldaoError)
    const sampled = new Set(samples.map((error) => error.constructor))
    expect(classes.filter((errorClass) => !sampled.has(errorClass)).map((errorClass) => errorClass.name)).toEqual([])
  })

  it('every code is in the catalogue (or is a decoded revert) and has the catalogue’s exit code', () => {
    for (const error of samples) {
      if (error.code.startsWith('REVERT_')) expect(error.exitCode).toBe(3)
      else expect(error.exitCode, error.code).toBe(errorCatalogue[error.code as keyof typeof errorCatalogue].exitCode)
    }
  })

  it('error texts', () => {
    const text = samples.map((error) => `[${error.code} · exit ${error.exitCode}]\n${renderError(error)}`).join('\n\n')
    expect(text).toMatchSnapshot()
  })

  it('--help of every command', async () => {
    const config = await Config.load(root)
    // formatCommand is what `--help` prints for one command (protected in oclif's types, public at run time).
    const help = new Help(config, { stripAnsi: true, maxWidth: 120 }) as unknown as { formatCommand: (command: unknown) => string }
    const commands = [...config.commands].sort((a, b) => a.id.localeCompare(b.id))
    expect(commands.length).toBeGreaterThanOrEqual(19)
    for (const command of commands) {
      expect(`${command.summary}\n\n${help.formatCommand(command)}`, command.id).toMatchSnapshot(command.id)
    }
  })
})
