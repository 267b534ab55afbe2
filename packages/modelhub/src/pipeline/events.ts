import type { Engine } from '@kysely-modelhub/core'
import type { Kysely, SelectQueryBuilder } from 'kysely'
import { extractEvents } from './extract.ts'
import { extractSnowplowEvents } from './extract-snowplow.ts'
import { resolveIdentity } from './identity.ts'
import { sessionize } from './sessionize.ts'

export interface PipelineOptions {
  readonly table: string
  readonly globalContexts: readonly string[]
  readonly sessionGapSeconds: number
  readonly identityResolution?: string
  readonly anonymizeUnidentifiedUsers: boolean
  readonly startDate?: string
  readonly endDate?: string
  /** The input table's layout: Objectiv's `data` table, or the flattened Snowplow table (BigQuery). */
  readonly layout?: 'objectiv' | 'snowplow'
}

/** Columns every stage passes through unchanged. */
const EVENT_COLUMNS = ['event_id', 'day', 'moment', 'event_type', 'stack_event_types', 'location_stack'] as const

/** The columns hub.events() gives, in order. */
export function pipelineColumns(globalContexts: readonly string[]): string[] {
  return [...EVENT_COLUMNS, ...globalContexts, 'user_id', 'session_id', 'session_hit_number']
}

/**
 * Objectiv's data pipeline as one query: extract → [identity resolution] → sessionize →
 * [anonymize]. Each stage is a subquery; nothing joins back.
 */
export function eventsPipeline(
  db: Kysely<any>,
  engine: Engine,
  options: PipelineOptions,
): SelectQueryBuilder<any, any, any> {
  const columns = [...EVENT_COLUMNS, ...options.globalContexts]
  const extracted =
    options.layout === 'snowplow' ? extractSnowplowEvents(db, engine, options) : extractEvents(db, engine, options)
  const resolving = options.identityResolution !== undefined
  const identified = resolving ? resolveIdentity(db, engine, extracted, columns) : extracted
  return sessionize(db, engine, identified, {
    columns,
    sessionGapSeconds: options.sessionGapSeconds,
    anonymize: resolving && options.anonymizeUnidentifiedUsers,
  })
}
