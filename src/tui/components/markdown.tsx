import { Box, Text } from 'ink'
import { paint } from '../theme.js'

/** Splits `text` into lines of at most `width` characters at spaces (a word longer than the width is cut). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/).filter(Boolean)) {
    let rest = word
    while (rest.length > width) {
      if (line) lines.push(line)
      lines.push(rest.slice(0, width))
      rest = rest.slice(width)
      line = ''
    }
    if (!line) line = rest
    else if (line.length + 1 + rest.length <= width) line = `${line} ${rest}`
    else {
      lines.push(line)
      line = rest
    }
  }
  if (line) lines.push(line)
  return lines
}

/** One line of rendered Markdown: headings bold in the title colour, bullets indented, code in the accent colour. */
type Line = { text: string; kind: 'heading' | 'bullet' | 'text' | 'blank' }

/** A small Markdown renderer for proposal descriptions: headings, bullets, paragraphs and `code`, wrapped. */
export function markdownLines(markdown: string, width: number): Line[] {
  const out: Line[] = []
  for (const raw of markdown.split('\n')) {
    const line = raw.trimEnd()
    if (!line.trim()) {
      if (out.length && out[out.length - 1]!.kind !== 'blank') out.push({ text: '', kind: 'blank' })
      continue
    }
    const heading = /^#{1,6}\s+(.*)$/.exec(line)
    if (heading) {
      for (const l of wrap(heading[1]!, width)) out.push({ text: l, kind: 'heading' })
      continue
    }
    const bullet = /^\s*[-*]\s+(.*)$/.exec(line)
    if (bullet) {
      wrap(bullet[1]!, width - 2).forEach((l, i) => out.push({ text: `${i ? '  ' : '• '}${l}`, kind: 'bullet' }))
      continue
    }
    for (const l of wrap(line, width)) out.push({ text: l, kind: 'text' })
  }
  return out
}

/** `code` spans in the accent colour, the rest plain. */
function Inline({ text }: { text: string }) {
  const parts = text.split(/(`[^`]+`)/)
  return (
    <Text>
      {parts.map((part, i) =>
        part.startsWith('`') && part.endsWith('`') && part.length > 1 ? (
          <Text key={i} {...paint('accent')}>
            {part.slice(1, -1)}
          </Text>
        ) : (
          <Text key={i}>{part.replace(/\*\*|__|_(?=\S)|(?<=\S)_/g, '')}</Text>
        ),
      )}
    </Text>
  )
}

/** Rendered Markdown, `height` lines from line `offset`. */
export function Markdown({ markdown, width, height, offset = 0 }: { markdown: string; width: number; height: number; offset?: number }) {
  const lines = markdownLines(markdown, width).slice(offset, offset + height)
  return (
    <Box flexDirection="column">
      {lines.map((line, i) =>
        line.kind === 'heading' ? (
          <Text key={i} bold wrap="truncate-end" {...paint('title')}>
            {line.text}
          </Text>
        ) : (
          <Inline key={i} text={line.text || ' '} />
        ),
      )}
    </Box>
  )
}
