import type { GlobalContext, LocationContext } from '@kysely-modelhub/core'

/** One event of the events() source: the columns every model reads. */
export interface ObjectivEvent {
  event_id: string
  /** UTC day, 'YYYY-MM-DD'. */
  day: string
  /** UTC instant. */
  moment: Date
  /** Cookie id, or the resolved identity `value|id`; null when anonymized. */
  user_id: string | null
  event_type: string
  stack_event_types: string[]
  location_stack: LocationContext[]
  /** Chronological over the selection, from 1. */
  session_id: number
  /** From 1 within the session. */
  session_hit_number: number
}

/** An event plus one column per requested global context: all contexts of that type, in order. */
export type EventRow<G extends string> = Flatten<ObjectivEvent & { [K in G]: GlobalContext[] }>

/** One plain object type instead of an intersection, as Kysely shows rows. */
export type Flatten<T> = { [K in keyof T]: T[K] } & {}

/** The columns of the events() source that describe sessions; reading neither skips sessionization. */
export const SESSION_COLUMNS = ['session_id', 'session_hit_number'] as const
