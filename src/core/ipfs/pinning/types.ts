/**
 * The objects of the IPFS Pinning Service API (https://ipfs.github.io/pinning-services-api-spec/, v1.0.0 of the
 * OpenAPI file), as both the client and the server use them.
 */

/** Where a pin request stands: waiting, fetching, done, or given up (see `info.status_details`). */
export type PinStatusName = 'queued' | 'pinning' | 'pinned' | 'failed'
export const PIN_STATUSES: readonly PinStatusName[] = ['queued', 'pinning', 'pinned', 'failed']

/** What to pin: a CID (pinned recursively), with an optional name, known providers and string metadata. */
export type Pin = {
  cid: string
  /** At most 255 characters; can be used in list lookups. */
  name?: string | undefined
  /** Multiaddrs known to provide the data (modeldao also accepts http(s) URLs of trustless gateways). At most 20. */
  origins?: string[] | undefined
  meta?: Record<string, string> | undefined
}

/** A pin request as the service tracks it. */
export type PinStatus = {
  /** Opaque, unique per request (the same CID pinned twice gets two). */
  requestid: string
  status: PinStatusName
  /** When the request entered the service (RFC 3339); unique, used for pagination with `before`. */
  created: string
  pin: Pin
  /** Multiaddrs of the service's nodes that receive the data. */
  delegates: string[]
  /** Vendor information; `status_details` says why a request failed or how far it got, `dag_size` its bytes. */
  info?: Record<string, string> | undefined
}

export type PinResults = { count: number; results: PinStatus[] }

export type TextMatchingStrategy = 'exact' | 'iexact' | 'partial' | 'ipartial'
export const TEXT_MATCHING_STRATEGIES: readonly TextMatchingStrategy[] = ['exact', 'iexact', 'partial', 'ipartial']

/** Filters of `GET /pins`. Without any, the service lists the 10 newest `pinned` requests. */
export type PinQuery = {
  /** Requests pinning any of these CIDs (at most 10). */
  cid?: string[] | undefined
  name?: string | undefined
  /** How `name` matches (default exact). */
  match?: TextMatchingStrategy | undefined
  /** Requests in any of these states (default: pinned). */
  status?: PinStatusName[] | undefined
  /** Created before / after this time (ISO 8601). */
  before?: string | undefined
  after?: string | undefined
  /** 1-1000, default 10. */
  limit?: number | undefined
  /** Requests whose meta holds all these key/value pairs. */
  meta?: Record<string, string> | undefined
}

/** The Failure object every error response carries. */
export type PinningFailure = { error: { reason: string; details?: string | undefined } }
