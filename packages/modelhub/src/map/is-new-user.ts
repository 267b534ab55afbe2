import { windowed } from '@kysely-modelhub/core'
import { type RawBuilder, sql } from 'kysely'
import type { EventsExpressionBuilder } from '../hub/any-query.ts'
import type { HubContext } from '../hub/hub-context.ts'
import { localTime } from '../hub/time-zone.ts'
import { PREVIOUS_MOMENT, SESSION_START, SESSION_USER, STORED, USER_SESSION } from '../pipeline/session-keys.ts'
import { chronologicalPeriod, timeBucket } from './time-agg.ts'

/**
 * How a user's sessions are told apart and ordered: by session_id per user_id, or over the events
 * pipeline by its session keys (the same order within a user, without numbering every session
 * first; the key's user equals user_id wherever user_id is not NULL). Over every row of the
 * pipeline ('whole pipeline', session-keys.ts: wholePipeline) each user's first session is key 1,
 * so no window has to find the lowest.
 */
export type SessionOrder = 'session_id' | 'session keys' | 'whole pipeline'

/** The user_id to test for NULL: over the whole pipeline the stored one, without the typed column's cast. */
const known = (eb: EventsExpressionBuilder, order: SessionOrder) =>
  eb.ref(order === 'whole pipeline' ? STORED.user_id : 'user_id')

const ordering = (order: SessionOrder) =>
  order === 'session_id' ? { user: 'user_id', session: 'session_id' } : { user: SESSION_USER, session: USER_SESSION }

/**
 * TRUE for every hit of the user's first session in the loaded data (the lowest session_id).
 * Anonymous hits (user_id NULL) are never a first session: NULL users are not one user.
 *
 * Shape: min(session_id) over (partition by user_id) = session_id
 * (over the whole pipeline: <session key's number> = 1)
 */
export function isFirstSessionColumn(
  eb: EventsExpressionBuilder,
  order: SessionOrder = 'session_id',
): RawBuilder<boolean> {
  const { user, session } = ordering(order)
  const first =
    order === 'whole pipeline' ? sql.lit(1) : windowed(eb, sql`min(${eb.ref(session)})`, { partitionBy: [user] })
  return sql<boolean>`(${known(eb, order)} is not null and ${first} = ${eb.ref(session)})`
}

/**
 * TRUE for every hit in the time bucket that holds the user's first session: with '%Y-%m-%d'
 * the whole day of the first session (both days when it crosses midnight).
 *
 * Shape, for UTC buckets of years, months or days ('%Y', '%Y-%m', '%d/%m/%Y', …):
 *   <period of moment> <= first_value(<period of moment>) over (partition by user_id order by session_id, moment desc)
 * (such periods follow time, so the first session's lie between its first and last hit's: the
 * last one's period is where the "new" days end; one window over a sort within each user);
 * over the whole pipeline, where every hit is there, the first session ends at the hit before the
 * user's first gap (the earliest previous moment of a session start; none: one session only), so
 * one window over the rows in the pipeline's own order, with no pass numbering sessions:
 *   <period> <= min(case when <session start> then <period of previous moment> end)
 *                  over (partition by <key's user>)   (TRUE where that is NULL)
 * otherwise:
 *   min(session_id) over (partition by user_id, <bucket>) = min(session_id) over (partition by user_id)
 * (user_id first, so one sort serves both windows; over the whole pipeline the right side is 1)
 */
export function isNewUserColumn(
  hub: HubContext,
  eb: EventsExpressionBuilder,
  timeAggregation?: string,
  order: SessionOrder = 'session_id',
): RawBuilder<boolean> {
  const { user, session } = ordering(order)
  const whole = order === 'whole pipeline'
  const unit = chronologicalPeriod(hub.timeZone, timeAggregation ?? hub.timeAggregation)
  if (unit) {
    // Over the whole pipeline, of the moment as stored: the same instant, without the typed column.
    // Compared only with periods of the same column (the previous moment is stored like the moment).
    const period = hub.engine.periodKey(localTime(hub, eb.ref(whole ? STORED.moment : 'moment')), unit)
    if (whole) {
      // The previous moment is NULL only on the user's first hit: the earliest of the other
      // starts' is where the first session ends. Its period is the earliest of their periods,
      // each computed on its start: once per session, not on every hit.
      const gapPeriod = hub.engine.periodKey(localTime(hub, eb.ref(PREVIOUS_MOMENT)), unit)
      const lastNewPeriod = windowed(eb, sql`min(case when ${eb.ref(SESSION_START)} then ${gapPeriod} end)`, {
        partitionBy: [user],
      })
      // No gap: every hit is in the first session.
      return sql<boolean>`(${known(eb, order)} is not null and coalesce(${period} <= ${lastNewPeriod}, true))`
    }
    const lastNewPeriod = windowed(eb, sql`first_value(${period})`, {
      partitionBy: [user],
      orderBy: [session, { by: 'moment', direction: 'desc' }],
    })
    return sql<boolean>`(${known(eb, order)} is not null and ${period} <= ${lastNewPeriod})`
  }
  const lowest = sql`min(${eb.ref(session)})`
  const firstInBucket = windowed(eb, lowest, { partitionBy: [user, timeBucket(hub, eb, timeAggregation)] })
  const first = whole ? sql.lit(1) : windowed(eb, lowest, { partitionBy: [user] })
  return sql<boolean>`(${known(eb, order)} is not null and ${firstInBucket} = ${first})`
}
