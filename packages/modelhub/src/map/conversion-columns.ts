import { windowed } from '@kysely-modelhub/core'
import { type Expression, type RawBuilder, sql } from 'kysely'
import type { AnyExpressionBuilder, EventsExpressionBuilder } from '../hub/any-query.ts'
import type { ConversionTest } from '../pipeline/conversion-flags.ts'
import { USER_SESSION } from '../pipeline/session-keys.ts'

/** A partition: one column, or several that together name the groups (as the session key does). */
export type Partition = string | readonly string[]

const columns = (partition: Partition): string[] => (typeof partition === 'string' ? [partition] : [...partition])

/** 1 for a conversion event, else 0. */
const conversionCount = (converts: ConversionTest, eb: AnyExpressionBuilder) =>
  sql<number>`case when ${converts(eb)} then 1 else 0 end`

/**
 * Conversions so far within the partition, in order of moment. The frame is RANGE, so events at
 * the same moment are peers and share the count (Objectiv's rule, kept on purpose).
 *
 * Shape: sum(case when <conversion> then 1 else 0 end) over (partition by p order by moment range between unbounded preceding and current row)
 */
export function conversionsInTimeColumn(
  converts: ConversionTest,
  eb: EventsExpressionBuilder,
  partition: Partition,
  /** The moment column to order by: `moment`, or the same instants as stored (session-keys.ts, STORED). */
  moment = 'moment',
): RawBuilder<number> {
  return windowed(eb, sql<number>`sum(${conversionCount(converts, eb)})`, {
    partitionBy: columns(partition),
    orderBy: [moment],
    frame: { kind: 'range', start: 'unbounded preceding' },
  })
}

/** All conversions in the partition. Shape: sum(case when <conversion> then 1 else 0 end) over (partition by p) */
export function conversionsCounterColumn(
  converts: ConversionTest,
  eb: EventsExpressionBuilder,
  partition: Partition,
): RawBuilder<number> {
  return windowed(eb, sql<number>`sum(${conversionCount(converts, eb)})`, { partitionBy: columns(partition) })
}

/** The helper columns {@link beforeFirstConversion} reads: the partition's conversions, and its first one's moment. */
export function firstConversionHelpers(
  converts: ConversionTest,
  partition: Partition,
  /** The moment column: `moment`, or the same instants as stored (session-keys.ts, STORED). */
  moment = 'moment',
): Record<'__converted' | '__first_conversion', (eb: EventsExpressionBuilder) => RawBuilder<unknown>> {
  return {
    __converted: (eb) => conversionsCounterColumn(converts, eb, partition),
    __first_conversion: (eb) =>
      windowed(eb, sql`min(case when ${converts(eb)} then ${eb.ref(moment)} end)`, {
        partitionBy: columns(partition),
      }),
  }
}

/**
 * Whether a hit comes before its partition's first conversion, in a partition that converts:
 * where conversionsInTime is 0 and conversionsCounter is not. That is a moment earlier than the
 * first conversion's (a peer of it is not before), told with windows over the partition alone, so
 * the database sorts nothing by moment. As in the RANGE frame, which orders NULL moments last, a
 * hit at a NULL moment is never before, and a conversion at a NULL moment comes after every other.
 *
 * Shape: __converted > 0 and coalesce(moment < __first_conversion, moment is not null)
 */
export function beforeFirstConversion(eb: EventsExpressionBuilder, momentColumn = 'moment'): RawBuilder<boolean> {
  const moment = eb.ref(momentColumn)
  return sql<boolean>`(${eb.ref('__converted')} > 0 and coalesce(${moment} < ${eb.ref('__first_conversion')}, ${moment} is not null))`
}

/**
 * Hits before the partition's first conversion, counted back from it: the hit just before is 1.
 * NULL for the conversion, later hits, peers of the conversion's moment, and partitions that
 * never convert. Always ordered by (session_id, session_hit_number), as Objectiv does (per session
 * key, by session_hit_number: the same order within one session). Reads the helpers of
 * {@link firstConversionHelpers}.
 *
 * With `everyHit` (per session key over every row of the pipeline), a session's hits are all there,
 * numbered 1, 2, … in order, so the hits before its first conversion are its first N: the count
 * back is N - session_hit_number + 1, with no sort by hit.
 */
export function preConversionHitNumberColumn(
  eb: EventsExpressionBuilder,
  partition: Partition,
  everyHit = false,
  /** The moment column the helpers were computed with (firstConversionHelpers). */
  moment = 'moment',
): RawBuilder<number | null> {
  const before = beforeFirstConversion(eb, moment)
  const counted = sql<number>`sum(case when ${before} then 1 end)`
  if (everyHit) {
    const hitsBefore = windowed(eb, counted, { partitionBy: columns(partition) })
    return sql<number | null>`case when ${before} then ${hitsBefore} - ${eb.ref('session_hit_number')} + 1 end`
  }
  const hitsBack = { by: 'session_hit_number', direction: 'desc' } as const
  const countBack = windowed(eb, counted, {
    partitionBy: columns(partition),
    // Per session key, session_id is one value within the partition: ordering by it as well would
    // only make the database number every session.
    orderBy: columns(partition).includes(USER_SESSION)
      ? [hitsBack]
      : [{ by: 'session_id', direction: 'desc' }, hitsBack],
    frame: { kind: 'rows', start: 'unbounded preceding' },
  })
  return sql<number | null>`case when ${before} then ${countBack} end`
}

export type ColumnBuilder = (eb: EventsExpressionBuilder) => Expression<unknown>
