import { describeCause, ModeldaoError } from '../errors/base.js'

export class ModelHasNoGgufError extends ModeldaoError {
  override name = 'ModelHasNoGgufError'
  constructor(model: string, paths: readonly string[]) {
    super('MODEL_HAS_NO_GGUF', paths.length === 0 ? `Model ${model} has no .gguf file to serve.` : `Model ${model} has ${paths.length} .gguf files: pick one.`, {
      details: paths.length ? paths.join(', ') : undefined,
      hints: paths.length ? ['Name the file with --file <path in the manifest>.'] : ['The serving node runs GGUF weights (llama.cpp). Publish the model with its .gguf file.'],
    })
  }
}

export class WeightsMismatchError extends ModeldaoError {
  override name = 'WeightsMismatchError'
  constructor(readonly path: string, readonly what: 'cid' | 'sha256' | 'size', readonly expected: string, readonly actual: string) {
    super('WEIGHTS_MISMATCH', `${path} is not the file the manifest registers: its ${what} is ${actual}, the manifest says ${expected}.`, {
      hints: ['The node refuses to serve weights other than the registered ones. Delete the file to fetch it again, or pass the right --weights.'],
    })
  }
}

export class WeightsNotFoundError extends ModeldaoError {
  override name = 'WeightsNotFoundError'
  constructor(path: string, reason: string) {
    super('WEIGHTS_NOT_FOUND', `Cannot use ${path} as the model's weights: ${reason}.`, {
      hints: ['--weights takes the folder `model get` wrote, or the .gguf file itself.'],
    })
  }
}

export class GpuUnavailableError extends ModeldaoError {
  override name = 'GpuUnavailableError'
  constructor(gpu: string, cause: unknown) {
    super('GPU_UNAVAILABLE', gpu === 'off' ? 'llama.cpp cannot start on this machine.' : `The ${gpu} backend is not available here.`, {
      details: describeCause(cause),
      hints: gpu === 'off' ? ['Reinstall modeldao so that node-llama-cpp finds its prebuilt binary.'] : ['Run with --gpu auto (uses a GPU only when one works) or --gpu off.'],
      cause,
    })
  }
}

export class EngineLoadError extends ModeldaoError {
  override name = 'EngineLoadError'
  constructor(path: string, cause: unknown) {
    super('ENGINE_LOAD_FAILED', `llama.cpp could not load ${path}.`, {
      details: describeCause(cause),
      hints: ['Check that the file is a complete GGUF model of an architecture llama.cpp supports; a smaller --context-size needs less memory.'],
      cause,
    })
  }
}

export class NodeListenError extends ModeldaoError {
  override name = 'NodeListenError'
  constructor(host: string, port: number, cause: unknown) {
    super('NODE_LISTEN_FAILED', `The serving node cannot listen on ${host}:${port}.`, {
      details: describeCause(cause),
      hints: ['Another process holds the port: pick another with --port (0 takes any free port).'],
      cause,
    })
  }
}

export class NodeOptionsInvalidError extends ModeldaoError {
  override name = 'NodeOptionsInvalidError'
  constructor(message: string, hint: string) {
    super('NODE_OPTIONS_INVALID', message, { hints: [hint] })
  }
}

export class DevModelOptionsInvalidError extends ModeldaoError {
  override name = 'DevModelOptionsInvalidError'
  constructor(message: string) {
    super('DEV_MODEL_OPTIONS_INVALID', message, { hints: ['See `modeldao dev gguf --help` for the presets and their layer counts.'] })
  }
}
