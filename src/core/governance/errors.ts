import { ModeldaoError } from '../errors/base.js'

export class DaoMissingError extends ModeldaoError {
  override name = 'DaoMissingError'
  constructor(modelId: number) {
    super('DAO_MISSING', `Model ${modelId} has no DAO yet.`, { hints: [`Its admin creates it: \`modeldao dao create ${modelId}\`.`] })
  }
}

export class DaoExistsError extends ModeldaoError {
  override name = 'DaoExistsError'
  constructor(modelId: number, governor: string) {
    super('DAO_EXISTS', `Model ${modelId} has a DAO already (governor ${governor}).`, { hints: [`See its proposals: \`modeldao dao proposals --model ${modelId}\`.`] })
  }
}

export class NotModelAdminError extends ModeldaoError {
  override name = 'NotModelAdminError'
  constructor(modelId: number, admin: string, account: string) {
    super('NOT_MODEL_ADMIN', `${account} is not the admin of model ${modelId} (${admin} is).`, { hints: ["Sign with the model's admin account (--account)."] })
  }
}

export class ProposalUnknownError extends ModeldaoError {
  override name = 'ProposalUnknownError'
  constructor(reference: string, why: string, hints: readonly string[] = ['List them with `modeldao dao proposals`.']) {
    super('PROPOSAL_UNKNOWN', `Proposal ${reference}: ${why}.`, { hints })
  }
}

export class ProposalInvalidError extends ModeldaoError {
  override name = 'ProposalInvalidError'
  constructor(message: string, hint: string) {
    super('PROPOSAL_INVALID', message, { hints: [hint] })
  }
}

/** The proposal's state does not allow the action; the message says where it stands and when that changes. */
export class ProposalStateError extends ModeldaoError {
  override name = 'ProposalStateError'
  constructor(message: string, hint: string) {
    super('PROPOSAL_STATE', message, { hints: [hint] })
  }
}

export class AlreadyVotedError extends ModeldaoError {
  override name = 'AlreadyVotedError'
  constructor(reference: string, voter: string, support: string) {
    super('ALREADY_VOTED', `${voter} has voted on proposal ${reference} already (${support}).`, { hints: ['A vote cannot be changed.'] })
  }
}

export class NoVotingPowerError extends ModeldaoError {
  override name = 'NoVotingPowerError'
  constructor(reference: string, voter: string, snapshot: number) {
    super('NO_VOTING_POWER', `${voter} had no votes in proposal ${reference} at its snapshot (block ${snapshot}).`, {
      hints: ['Only shares held and delegated to you (yourself by default) before the snapshot count; shares bought later count in later proposals.'],
    })
  }
}

export class BelowProposalThresholdError extends ModeldaoError {
  override name = 'BelowProposalThresholdError'
  constructor(account: string, votes: bigint, threshold: bigint) {
    super('BELOW_PROPOSAL_THRESHOLD', `${account} has ${votes} votes; proposing needs ${threshold}.`, {
      hints: ['Hold more shares of the model, or ask holders to delegate to you (`modeldao dao delegate`).'],
    })
  }
}

export class NotAVersionProposalError extends ModeldaoError {
  override name = 'NotAVersionProposalError'
  constructor(reference: string) {
    super('NOT_A_VERSION_PROPOSAL', `Proposal ${reference} does not promote a weights version: it takes no stakes.`, {
      hints: ['Stake on proposals made with `modeldao dao propose version`.'],
    })
  }
}

export class NothingStakedError extends ModeldaoError {
  override name = 'NothingStakedError'
  constructor(account: string, where: string) {
    super('NOTHING_STAKED', `${account} has nothing to claim ${where}.`, {
      hints: ['Stakes pay out once the DAO has decided (executed, defeated, expired or cancelled); a stake on the losing side pays nothing.'],
    })
  }
}

export class DescriptionUnreadableError extends ModeldaoError {
  override name = 'DescriptionUnreadableError'
  constructor(path: string, why: string) {
    super('DESCRIPTION_UNREADABLE', `The description ${path} cannot be used: ${why}.`, { hints: ['Pass a Markdown file (--description-file) whose first line is a `# Title`.'] })
  }
}
