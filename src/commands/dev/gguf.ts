import { resolve } from 'node:path'
import { Flags } from '@oclif/core'
import { BaseCommand } from '../../cli/baseCommand.js'
import { formatBytes } from '../../cli/progress.js'
import { writeDevGguf, type WriteDevGgufReturnType } from '../../core/actions/dev/writeDevGguf.js'
import { devModelPresets } from '../../core/models/devModel.js'

export default class DevGguf extends BaseCommand<typeof DevGguf> {
  static override summary = 'Write a runnable test model: a seeded llama-architecture GGUF with a byte-level tokenizer and a chat template.'
  static override description = `No model hub is needed: the weights come from --seed, so the same arguments always give the same bytes.
Presets: tiny (2 layers, 64 wide: tests), small (4 layers, 256 wide: CPU benchmarks), 1b (22 layers, 2048 wide,
~1 B parameters: GPU benchmarks; about a minute to write). Another seed, fewer --layers or a lower-precision --type
of the same preset make the "cheaper model" that verification must catch: they share the full model's first weights.
The file is checked with the same GGUF validator the serving node runs before loading anything.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> --preset tiny --out tiny.gguf',
    '<%= config.bin %> <%= command.id %> --preset small --seed 7 --type q8_0 --out small-q8.gguf',
    '<%= config.bin %> <%= command.id %> --preset small --layers 2 --out cheaper.gguf --json',
  ]
  static override flags = {
    preset: Flags.string({ summary: 'Model size.', options: Object.keys(devModelPresets), default: 'tiny' }),
    seed: Flags.integer({ summary: 'Seed of the weights (0 to 4294967295).', default: 1, min: 0, max: 2 ** 32 - 1 }),
    type: Flags.string({ summary: 'Tensor encoding of the weight matrices (norms stay f32).', options: ['f32', 'f16', 'q8_0', 'q4_0'], default: 'f32' }),
    layers: Flags.integer({ summary: "Fewer layers than the preset's (its first ones).", min: 1 }),
    out: Flags.file({ summary: 'Where to write the .gguf file.', required: true }),
  }

  async run(): Promise<WriteDevGgufReturnType> {
    this.progress(`Writing the ${this.flags.preset} model`)
    const result = await writeDevGguf({
      path: resolve(this.flags.out),
      preset: this.flags.preset as keyof typeof devModelPresets,
      seed: this.flags.seed,
      type: this.flags.type as 'f32' | 'f16' | 'q8_0' | 'q4_0',
      layers: this.flags.layers,
    })
    this.progressDone()
    this.log(`Wrote ${result.path}: ${this.flags.preset}, ${result.layers} layers, ${result.parameters.toLocaleString('en-US')} parameters, ${this.flags.type}, ${formatBytes(result.bytes)}`)
    this.log(`sha256 ${result.sha256}`)
    return result
  }
}
