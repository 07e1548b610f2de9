// The "peaked" dev preset: next-token distributions as sharp as a real model's (character bigrams of a shipped
// text), where random presets are flat; its layers still matter, so a cheaper copy is not the same model.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeDevModel, type DevModelOptions } from '../../../src/core/models/devModel.js'
import { InferenceEngine } from '../../../src/core/serving/engine.js'

async function meanTokenProbability(path: string, temperature: number): Promise<{ text: string; mean: number }> {
  const engine = await InferenceEngine.open({ modelPath: path, contextSize: 256 })
  try {
    const [sequence] = engine.sequences()
    const result = await engine.generate(sequence!, { promptTokens: engine.tokenizePrompt('The model '), temperature, topP: 1, seed: 3, maxTokens: 48, stop: [], topLogprobs: 0 })
    const probabilities = result.tokens.map((t) => Math.exp(t.logprob))
    return { text: result.text, mean: probabilities.reduce((a, b) => a + b, 0) / probabilities.length }
  } finally {
    await engine.close()
  }
}

describe('peaked dev model (real node-llama-cpp)', () => {
  let dir: string
  const write = async (name: string, options: DevModelOptions) => {
    const path = join(dir, name)
    await writeDevModel(path, options)
    return path
  }
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modeldao-peaked-'))
  })
  afterAll(async () => rm(dir, { recursive: true, force: true }))

  it('is sharp where random weights are flat, writes English-looking text, and depends on its layers', async () => {
    const peaked = await write('peaked.gguf', { preset: 'peaked', seed: 1, type: 'f32' })
    const random = await write('tiny.gguf', { preset: 'tiny', seed: 1, type: 'f32' })
    const sharp = await meanTokenProbability(peaked, 0.8)
    const flat = await meanTokenProbability(random, 0.8)
    expect(sharp.mean).toBeGreaterThan(0.15)
    expect(flat.mean).toBeLessThan(0.06)
    expect(sharp.text).toMatch(/^[a-z ,.'\n-]+$/i)
    expect(sharp.text.split(' ').filter((w) => /^(the|and|of|a|to|he|th\w*)$/.test(w)).length).toBeGreaterThan(0)
    const cheaper = await meanTokenProbability(await write('peaked-1.gguf', { preset: 'peaked', seed: 1, type: 'f32', layers: 1 }), 0.8)
    expect(cheaper.text).not.toBe(sharp.text)
  })
})
