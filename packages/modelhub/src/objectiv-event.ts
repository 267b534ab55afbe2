import type { GlobalContext, LocationContext } from '@kysely-modelhub/core'

/** One event of the events() source: the columns every model reads. */
export interface ObjectivEvent {
  readonly event_id: string
  /** UTC day, 'YYYY-MM-DD'. */
  readonly day: string
  /** UTC instant. */
  readonly moment: Date
  /** Cookie id, or the resolved identity `value|id`; null when anonymized. */
  readonly user_id: string | null
  readonly event_type: string
  readonly stack_event_types: string[]
  readonly location_stack: LocationContext[]
  /** Chronological over the selection, from 1. */
  readonly session_id: number
  /** From 1 within the session. */
  readonly session_hit_number: number
}

/** An event plus one column per requested global context: all contexts of that type, in order. */
export type EventRow<G extends string> = ObjectivEvent & { readonly [K in G]: GlobalContext[] }

/** The columns of the events() source that describe sessions; reading neither skips sessionization. */
export const SESSION_COLUMNS = ['session_id', 'session_hit_number'] as const
