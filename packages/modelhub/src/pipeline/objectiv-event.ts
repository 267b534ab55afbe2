import type { GlobalContext, LocationContext } from '@kysely-modelhub/core'

/** One event of the events() source: the columns every model reads. */
export interface ObjectivEvent {
  event_id: string
  /** UTC day, 'YYYY-MM-DD' (text in SQL, whatever the connection's DateStyle or parsers). */
  day: string
  /** UTC instant (a timestamptz in Postgres, so any driver reads the right instant). */
  moment: Date
  /**
   * Cookie id, or the resolved identity `value|id`; null when anonymized. Text in SQL on every
   * engine, as its type says: Objectiv's `cookie_id` is a uuid column, cast to text where events()
   * leaves the pipeline (sessions are still built on the uuid). So it joins a text-keyed table,
   * `innerJoin('users', 'users.id', 'events.user_id')`; for a uuid key compare `users.id::text`.
   */
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
