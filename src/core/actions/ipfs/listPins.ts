import type { ModeldaoContext } from '../../context/context.js'
import type { Pin } from '../../ipfs/storage/repo.js'

export type ListPinsReturnType = { pins: Pin[] }
export type ListPinsErrorType = never

/**
 * The pinned roots of the local repo: what garbage collection keeps.
 * @example const { pins } = await listPins(md)
 */
export async function listPins(ctx: ModeldaoContext): Promise<ListPinsReturnType> {
  return { pins: ctx.repo().pins() }
}
