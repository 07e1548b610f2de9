import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { TemplateUnreadableError } from '../models/errors.js'

/** The templates shipped with modeldao (model cards, proposal descriptions). */
export const templatesFolder = fileURLToPath(new URL('../../../templates/', import.meta.url))

/** A template: the file at `path`, else the shipped one named `fallback` (relative to templates/). */
export async function readTemplate(path: string | undefined, fallback: string): Promise<string> {
  const file = path ?? `${templatesFolder}${fallback}`
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    throw new TemplateUnreadableError(file, error)
  }
}

/** Replaces each `{{key}}` with its value; unknown keys stay as they are (visible, not silently dropped). */
export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (match, key: string) => values[key] ?? match)
}
