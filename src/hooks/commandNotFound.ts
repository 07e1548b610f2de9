import type { Hook } from '@oclif/core'
import { closestMatch } from '../cli/suggest.js'

/** Unknown command: name the closest one instead of prompting (works off a TTY, in scripts and CI). */
const hook: Hook.CommandNotFound = async function (options) {
  const typed = options.id.split(':').join(' ')
  const commands = [
    ...options.config.commands.filter((c) => !c.hidden).map((c) => c.id.split(':').join(' ')),
    ...options.config.topics.filter((t) => !t.hidden).map((t) => t.name.split(':').join(' ')),
  ]
  const suggestion = closestMatch(typed, commands)
  const lines = [`Error: "${typed}" is not a ${options.config.bin} command.`]
  if (suggestion) lines.push(`Did you mean \`${options.config.bin} ${suggestion}\`?`)
  lines.push(`Run \`${options.config.bin} --help\` for the list of commands.`)
  process.stderr.write(`${lines.join('\n')}\n`)
  process.exit(2)
}

export default hook
