import { randomInt } from 'node:crypto'

/**
 * What a probe looks like on the wire: drawn from the same distribution as client traffic, so that nothing a node sees
 * (endpoint, stream, sampling, max tokens, prompt, scheme) tells a probe from a client. `chat` is the client: its
 * requests are streamed chat completions, no seed (the node draws one and records it), temperature and max tokens
 * only when a user sets them. Probes are sent through the very same `chat` action.
 */
export type ProbeShape = {
  prompt: string
  system?: string | undefined
  /** undefined: left out of the request, as most clients do (the node's default, temperature 1). */
  temperature?: number | undefined
  /** undefined: left out (the node's limit applies). */
  maxTokens?: number | undefined
  pay: 'channel' | 'exact'
}

/**
 * Client-like request settings with their weights: most users leave temperature and max tokens alone; some ask for
 * deterministic answers (0), some for a little more or less variety, some cap the answer's length.
 */
const TEMPERATURES: readonly (readonly [number | undefined, number])[] = [
  [undefined, 50],
  [0, 15],
  [0.2, 5],
  [0.7, 15],
  [1.2, 5],
  [0.9, 10],
]
const MAX_TOKENS: readonly (readonly [number | undefined, number])[] = [
  [undefined, 45],
  [32, 10],
  [64, 15],
  [128, 15],
  [256, 15],
]
const SYSTEMS: readonly (readonly [string | undefined, number])[] = [
  [undefined, 80],
  ['You are a helpful assistant.', 12],
  ['Answer briefly.', 8],
]
/** The share of requests paid per request (exact) rather than through a channel. */
const EXACT_SHARE = 0.2

const pick = <T>(weighted: readonly (readonly [T, number])[], random: () => number): T => {
  const total = weighted.reduce((sum, [, w]) => sum + w, 0)
  let at = random() * total
  for (const [value, weight] of weighted) {
    at -= weight
    if (at < 0) return value
  }
  return weighted[weighted.length - 1]![0]
}

/** A uniform draw in [0, 1) from the OS's CSPRNG: a node cannot predict the next probe's shape from earlier ones. */
export const secureRandom = (): number => randomInt(0, 2 ** 48 - 1) / 2 ** 48

/**
 * One client-like request shape. `maxTokensCap` bounds the length asked for (the node's limit); the prompt comes from
 * `prompts` (a supplied corpus) or the shipped one.
 */
export function drawProbeShape(options: { prompts?: readonly string[] | undefined; maxTokensCap?: number | undefined; exactShare?: number | undefined; random?: (() => number) | undefined } = {}): ProbeShape {
  const random = options.random ?? secureRandom
  const prompts = options.prompts && options.prompts.length > 0 ? options.prompts : PROBE_CORPUS
  const maxTokens = pick(MAX_TOKENS, random)
  const cap = options.maxTokensCap
  return {
    prompt: prompts[Math.floor(random() * prompts.length)]!,
    system: pick(SYSTEMS, random),
    temperature: pick(TEMPERATURES, random),
    maxTokens: maxTokens !== undefined && cap !== undefined ? Math.min(maxTokens, cap) : maxTokens,
    pay: random() < (options.exactShare ?? EXACT_SHARE) ? 'exact' : 'channel',
  }
}

/** Channel deposits people type (`chat --deposit 5`), in whole tokens, with their weights. */
const DEPOSITS: readonly (readonly [number, number])[] = [
  [1, 15],
  [2, 10],
  [5, 30],
  [10, 30],
  [20, 15],
]

/**
 * A client-like channel deposit in base units (a round amount of whole tokens): a probe wallet's channel is funded like
 * a client's, not with one amount every validator run would share. `max` (base units) leaves the wallet enough for the
 * probes paid per request: amounts above it are not drawn (1 token when none fits).
 */
export function drawDeposit(decimals: number, random: () => number = secureRandom, max?: bigint): bigint {
  const unit = 10n ** BigInt(decimals)
  const fitting = max === undefined ? DEPOSITS : DEPOSITS.filter(([tokens]) => BigInt(tokens) * unit <= max)
  return BigInt(fitting.length > 0 ? pick(fitting, random) : DEPOSITS[0]![0]) * unit
}

/** A client's request settings drawn the same way (the features benchmark compares the two streams). */
export const drawClientShape = drawProbeShape

const TASKS = [
  'Explain {t} to a beginner.',
  'Write a short poem about {t}.',
  'What are the pros and cons of {t}?',
  'Give me three facts about {t}.',
  'Summarize the history of {t} in a few sentences.',
  'How would you teach {t} to a ten-year-old?',
  'Write a tweet about {t}.',
  'What is a common misconception about {t}?',
  'Draft an email to my team about {t}.',
  'List five questions someone might ask about {t}.',
  'Compare {t} with something similar.',
  'What should I read to learn about {t}?',
  'Tell me a joke about {t}.',
  'Write the opening line of a story about {t}.',
  'Why does {t} matter?',
  'Describe {t} in one paragraph.',
] as const
const TOPICS = [
  'photosynthesis', 'the stock market', 'black holes', 'sourdough bread', 'climate change', 'the French revolution', 'machine learning',
  'recycling', 'jazz music', 'the water cycle', 'electric cars', 'meditation', 'volcanoes', 'the internet', 'coffee', 'chess',
  'vaccines', 'the moon landing', 'compound interest', 'honey bees', 'public transport', 'remote work', 'the Roman empire',
  'solar panels', 'sleep', 'gardening', 'cryptography', 'the ocean tides', 'learning a language', 'marathon training',
  'renting an apartment', 'open source software', 'the human heart', 'wind turbines', 'origami', 'the printing press',
  'budgeting', 'rainforests', 'time zones', 'video games', 'antibiotics', 'the periodic table', 'democracy', 'knitting',
  'quantum computers', 'tea ceremonies', 'bicycles', 'earthquakes', 'minimalism', 'podcasts',
] as const
const STANDALONE = [
  'What is a good name for a cat?',
  'How do I boil an egg?',
  'Translate "good morning" into French.',
  'Write a short note to a friend about the weekend.',
  'Summarize: the meeting moved to Tuesday at 3pm, bring the slides.',
  'What should I cook tonight with rice, eggs and spinach?',
  'Fix the grammar: "me and him goes to the store yesterday".',
  'Give me a title for a story about the sea.',
  'How many days are in a leap year?',
  'Write a haiku about Monday mornings.',
  'What is the difference between weather and climate?',
  'Suggest a weekend plan for a rainy day.',
  'Explain what an API is.',
  'Write a polite reminder that an invoice is overdue.',
  'What is 17 times 23?',
  'Convert 5 kilometres to miles.',
  'def fizzbuzz(n):',
  'SELECT name FROM users WHERE',
  'Continue the list: apples, bananas, cherries,',
  'Dear hiring manager,',
] as const

/**
 * The shipped probe corpus: ordinary requests of the kinds people send a chat model (tasks × topics, plus everyday
 * one-offs), 820 in all. A validator may supply its own (`--prompts-file`), ideally sampled from real traffic.
 */
export const PROBE_CORPUS: readonly string[] = [...TASKS.flatMap((task) => TOPICS.map((topic) => task.replace('{t}', topic))), ...STANDALONE]
