import { basename } from 'node:path'
import { ModeldaoError, type CatalogueCode } from '../errors/base.js'
import { MANIFEST_SCHEMA } from './schema.js'

export class GgufMalformedError extends ModeldaoError {
  override name = 'GgufMalformedError'
  constructor(path: string, reason: string, hints = ['Re-export the model, or publish it under a name without the .gguf extension to skip GGUF parsing.']) {
    super('GGUF_MALFORMED', `${basename(path)} claims to be GGUF but its header cannot be read: ${reason}.`, { details: path, hints })
  }
}

export class ManifestInvalidError extends ModeldaoError {
  override name = 'ManifestInvalidError'
  readonly problems: string[]
  constructor(problems: string[], where = 'the manifest') {
    super('MANIFEST_INVALID', `${where} does not match the ${MANIFEST_SCHEMA} schema.`, {
      details: problems.join('; '),
      hints: ['The schema is described in docs/manifest.md of modeldao.'],
    })
    this.problems = problems
  }
}

export class PublishInputError extends ModeldaoError {
  override name = 'PublishInputError'
  constructor(code: Extract<CatalogueCode, `PUBLISH_${string}`>, message: string, hint: string) {
    super(code, message, { hints: [hint] })
  }
}

export class ManifestPathUnsafeError extends ModeldaoError {
  override name = 'ManifestPathUnsafeError'
  constructor(path: string, root: string) {
    super('MANIFEST_PATH_UNSAFE', `Manifest path "${path}" points outside ${root}.`, { hints: ['The manifest is malformed or hostile: nothing was written outside the output folder.'] })
  }
}

export class TemplateUnreadableError extends ModeldaoError {
  override name = 'TemplateUnreadableError'
  constructor(file: string, cause: unknown) {
    super('TEMPLATE_UNREADABLE', `Cannot read the template ${file}.`, { hints: ['Check the path given to --card or --readme.'], cause })
  }
}

export class TermsInvalidError extends ModeldaoError {
  override name = 'TermsInvalidError'
  constructor(message: string) {
    super('TERMS_INVALID', message, { hints: ['See `modeldao model publish --help` for the ranges of --supply, --royalty, --fee-share and --price.'] })
  }
}

export class ModelUnknownError extends ModeldaoError {
  override name = 'ModelUnknownError'
  constructor(modelId: bigint | number | string, chainId: number, cause?: unknown) {
    super('MODEL_UNKNOWN', `There is no model ${modelId} on chain ${chainId}.`, {
      hints: ['Model ids are whole numbers from 1: list them with `modeldao model list`.', 'Where a manifest CID is accepted, you can pass that instead.'],
      cause,
    })
  }
}

export class ModelIncompleteError extends ModeldaoError {
  override name = 'ModelIncompleteError'
  constructor(model: string, path: string, cause: unknown) {
    super('MODEL_INCOMPLETE', `The local repo lacks blocks of ${path} of "${model}".`, {
      details: cause instanceof Error ? cause.message : undefined,
      hints: ['Fetch it with --peer <multiaddr> or --gateway <url>, or import a CAR of the whole model (`model export <manifest CID>` exports one).'],
      cause,
    })
  }
}
