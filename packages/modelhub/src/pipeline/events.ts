import type { Engine, SessionIds } from '@kysely-modelhub/core'
import type { AnyKysely, AnyQuery } from '../hub/any-query.ts'
import type { ConversionEvent } from '../hub/conversions.ts'
import { flagEvents } from './conversion-flags.ts'
import { extractEvents } from './extract.ts'
import { extractSnowplowEvents } from './extract-snowplow.ts'
import { featureValues } from './feature-values.ts'
import { resolveIdentity } from './identity.ts'
import { PREVIOUS_MOMENT, SESSION_KEY, SESSION_START, SESSION_USER, STORED } from './session-keys.ts'
import { sessionize } from './sessionize.ts'

export interface PipelineOptions {
  readonly table: string
  readonly globalContexts: readonly string[]
  readonly sessionGapSeconds: number
  readonly sessionIds: SessionIds
  readonly identityResolution?: string
  readonly anonymizeUnidentifiedUsers: boolean
  readonly startDate?: string
  readonly endDate?: string
  /** The IANA zone of the window's days (the hub's). */
  readonly timeZone?: string
  /** The input table's layout: Objectiv's `data` table, or the flattened Snowplow table (BigQuery). */
  readonly layout?: 'objectiv' | 'snowplow'
  /** The hub's conversions: those that can are tested as the events are extracted (conversion-flags.ts). */
  readonly conversions?: readonly ConversionEvent[]
}

/** Columns every stage passes through unchanged. */
const EVENT_COLUMNS = ['event_id', 'day', 'moment', 'event_type', 'stack_event_types', 'location_stack'] as const

/** The columns hub.events() gives, in order. */
export function pipelineColumns(globalContexts: readonly string[]): string[] {
  return [...EVENT_COLUMNS, ...globalContexts, 'user_id', 'session_id', 'session_hit_number']
}

/**
 * Objectiv's data pipeline as one query: extract [+ conversion flags] → [identity resolution] →
 * sessionize → [anonymize] → typed output. Each stage is a subquery; nothing joins back.
 */
export function eventsPipeline(db: AnyKysely, engine: Engine, options: PipelineOptions): AnyQuery {
  const { query: flagged, flags } = flagEvents(
    db,
    options.layout === 'snowplow' ? extractSnowplowEvents(db, engine, options) : extractEvents(db, engine, options),
    options.conversions ?? [],
    featureValues(engine, options.globalContexts),
  )
  // Flags computed once too, below the sessionization sorts: they then carry a conversion's flag
  // rather than the stack it tests. Unread, the stage and its fence go from the SQL (pass-through.ts).
  const extracted = flags.length > 0 ? engine.computedOnce(flagged) : flagged
  const columns = [...EVENT_COLUMNS, ...options.globalContexts, ...flags]
  // The name the next stage reads them by (a CTE of the exported SQL).
  const extractedName = flags.length > 0 ? 'flagged' : 'extracted'
  const resolving = options.identityResolution !== undefined
  const identified = resolving ? resolveIdentity(db, engine, extracted, columns, extractedName) : extracted
  const anonymized = resolving && options.anonymizeUnidentifiedUsers
  const sessionized = sessionize(db, engine, identified, {
    columns,
    sessionGapSeconds: options.sessionGapSeconds,
    sessionIds: options.sessionIds,
    anonymize: anonymized,
    inputName: resolving ? 'identified' : extractedName,
  })
  return typedOutput(db, engine, sessionized, options.globalContexts, flags, anonymized)
}

/**
 * The pipeline's columns in the SQL types that every driver reads as their declared JS types
 * (docs: README "Semantics"): `day` 'YYYY-MM-DD' text, `moment` an instant (timestamptz on
 * Postgres), `user_id` text (a uuid cookie id joins text-keyed tables), the session numbers plain
 * numbers. A projection only: every sort and partition of the stages below keeps the stored types,
 * and the session keys, moment and user_id pass through unchanged for the models (session-keys.ts,
 * STORED); `anonymized` says whether user_id differs from the session key's user. Filters, joins
 * and models over events() see these types too.
 */
function typedOutput(
  db: AnyKysely,
  engine: Engine,
  sessionized: AnyQuery,
  globalContexts: readonly string[],
  flags: readonly string[],
  anonymized: boolean,
): AnyQuery {
  return db.selectFrom(sessionized.as('sessions')).select((eb) => {
    const ref = (column: string) => eb.ref(`sessions.${column}`)
    return [
      ref('event_id').as('event_id'),
      engine.outputDay(ref('day')).as('day'),
      engine.outputInstant(ref('moment')).as('moment'),
      ...['event_type', 'stack_event_types', 'location_stack', ...globalContexts].map((c) => ref(c).as(c)),
      engine.outputText(ref('user_id')).as('user_id'),
      engine.outputNumber(ref('session_id')).as('session_id'),
      engine.outputNumber(ref('session_hit_number')).as('session_hit_number'),
      // Not anonymized, the session key's user is the stored user_id: one column, so a window per
      // user over rows in a per-session window's order (per key's user) needs no sort of its own.
      ...SESSION_KEY.map((key) => ref(key === SESSION_USER && !anonymized ? 'user_id' : key).as(key)),
      ref(SESSION_START).as(SESSION_START),
      ref(PREVIOUS_MOMENT).as(PREVIOUS_MOMENT),
      ref('moment').as(STORED.moment),
      ref('user_id').as(STORED.user_id),
      ...flags.map((flag) => ref(flag).as(flag)),
    ]
  })
}
