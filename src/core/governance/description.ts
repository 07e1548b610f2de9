import { readFile } from 'node:fs/promises'
import { fillTemplate, readTemplate } from '../templates/templates.js'
import type { DatasetInput } from './actions.js'
import { DescriptionUnreadableError } from './errors.js'

const NO_RATIONALE = '_The proposer gave no rationale._'

/** The Markdown description of a proposal, from the shipped template of its kind (templates/proposals/<kind>.md). */
export async function renderDescription(
  kind: 'dataset' | 'version' | 'params',
  values: { modelId: number; rationale?: string | undefined; dataset?: DatasetInput; manifestCid?: string; currentManifestCid?: string; changes?: readonly string[] },
): Promise<string> {
  const template = await readTemplate(undefined, `proposals/${kind}.md`)
  const d = values.dataset
  return fillTemplate(template, {
    modelId: String(values.modelId),
    rationale: values.rationale?.trim() || NO_RATIONALE,
    ...(d ? { cid: d.cid, name: d.name, license: d.license || 'not given', size: `${d.sizeBytes} bytes`, descriptionCid: d.descriptionCid ? `\`${d.descriptionCid}\`` : 'none' } : {}),
    ...(values.manifestCid ? { manifestCid: values.manifestCid } : {}),
    ...(values.currentManifestCid ? { currentManifestCid: values.currentManifestCid } : {}),
    ...(values.changes ? { changes: values.changes.map((c) => `- ${c}`).join('\n') } : {}),
  })
}

/**
 * A description written by the proposer (--description-file): Markdown whose first non-empty line is its title.
 * @throws {DescriptionUnreadableError} unreadable or empty.
 */
export async function readDescriptionFile(path: string): Promise<string> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new DescriptionUnreadableError(path, (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String((error as Error).message))
  }
  if (!text.trim()) throw new DescriptionUnreadableError(path, 'it is empty')
  return text
}
