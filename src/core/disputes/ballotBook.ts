import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { encodeAbiParameters, keccak256, type Address, type Hex } from 'viem'
import { atomicWriteFile } from '../home/atomicWrite.js'

/** Which vote a ballot is: one validator, one challenge round, on one ReceiptChallenges deployment. */
export type BallotKey = { chainId: number; contract: Address; challengeId: Hex; round: number; validator: Address }
/** A committed vote, kept until it is revealed: its salt is the secret that keeps the vote hidden until then. */
export type SavedBallot = BallotKey & { cheat: boolean; salt: Hex; commitment: Hex; savedAt: string; transactionHash?: Hex | undefined }

/** The commitment ReceiptChallenges checks: `keccak256(abi.encode(challengeId, round, validator, cheat, salt))`. */
export function ballotCommitment(key: Pick<BallotKey, 'challengeId' | 'round' | 'validator'>, cheat: boolean, salt: Hex): Hex {
  return keccak256(
    encodeAbiParameters([{ type: 'bytes32' }, { type: 'uint8' }, { type: 'address' }, { type: 'bool' }, { type: 'bytes32' }], [key.challengeId, key.round, key.validator, cheat, salt]),
  )
}

/**
 * The committed votes of this home, one file each (written before the commit is sent, so a crash between the two
 * never loses the salt of a vote on chain), readable only by the owner: the salt reveals the vote.
 */
export class BallotBook {
  private readonly folder: string

  constructor(validatorFolder: string) {
    this.folder = join(validatorFolder, 'ballots')
  }

  /** A fresh ballot for `key` (a new random salt), saved before anything is sent. */
  async prepare(key: BallotKey, cheat: boolean): Promise<SavedBallot> {
    const salt = `0x${randomBytes(32).toString('hex')}` as Hex
    const ballot: SavedBallot = { ...key, cheat, salt, commitment: ballotCommitment(key, cheat, salt), savedAt: new Date().toISOString() }
    await this.save(ballot)
    return ballot
  }

  async save(ballot: SavedBallot): Promise<void> {
    await atomicWriteFile(this.file(ballot), `${JSON.stringify(ballot, null, 2)}\n`, { mode: 0o600 })
  }

  /** The ballot saved for `key`, if any. */
  async find(key: BallotKey): Promise<SavedBallot | undefined> {
    try {
      return JSON.parse(await readFile(this.file(key), 'utf8')) as SavedBallot
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw error
    }
  }

  private file(key: BallotKey): string {
    return join(this.folder, `${key.chainId}-${key.contract.toLowerCase()}-${key.challengeId.toLowerCase()}-${key.round}-${key.validator.toLowerCase()}.json`)
  }
}
