import { writeGguf } from './ggufWriter.js'

/**
 * Writes a small synthetic llama-architecture GGUF (complete header, deterministic F32 weights) for tests and the demo:
 * no model hub is reachable here, so the project makes its own. Returns the parameter count.
 * It is a publishing fixture, not yet a model llama.cpp can run (that needs the full tensor set and tokenizer).
 */
export async function writeTinyGguf(path: string, options: { layers?: number; embd?: number; vocab?: number } = {}): Promise<number> {
  const layers = options.layers ?? 2
  const embd = options.embd ?? 16
  const vocab = options.vocab ?? 32
  const tensor = (name: string, dims: number[]) => {
    const data = new Float32Array(dims.reduce((a, b) => a * b, 1))
    for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.37 + name.length)
    return { name, dims, data }
  }
  const tensors = [tensor('token_embd.weight', [embd, vocab]), tensor('output_norm.weight', [embd])]
  for (let l = 0; l < layers; l++) tensors.push(tensor(`blk.${l}.attn_norm.weight`, [embd]), tensor(`blk.${l}.attn_q.weight`, [embd, embd]))
  await writeGguf(
    path,
    {
      'general.architecture': { type: 'string', value: 'llama' },
      'general.name': { type: 'string', value: 'tiny test' },
      'llama.context_length': { type: 'uint32', value: 256 },
      'llama.embedding_length': { type: 'uint32', value: embd },
      'llama.block_count': { type: 'uint32', value: layers },
      'tokenizer.ggml.model': { type: 'string', value: 'llama' },
      'tokenizer.ggml.tokens': { type: 'string[]', value: Array.from({ length: vocab }, (_, i) => `t${i}`) },
    },
    tensors,
  )
  return tensors.reduce((n, t) => n + t.data.length, 0)
}
