import { windowed } from '@kysely-modelhub/core'
import { type RawBuilder, sql } from 'kysely'
import type { EventsExpressionBuilder } from '../hub/any-query.ts'
import type { HubContext } from '../hub/hub-context.ts'
import { SESSION_USER, USER_SESSION } from '../pipeline/session-keys.ts'
import { timeBucket } from './time-agg.ts'

/**
 * How a user's sessions are told apart and ordered: by session_id per user_id, or over the events
 * pipeline by its session keys (the same order within a user, without numbering every session
 * first; the key's user equals user_id wherever user_id is not NULL).
 */
export type SessionOrder = 'session_id' | 'session keys'

const ordering = (order: SessionOrder) =>
  order === 'session_id' ? { user: 'user_id', session: 'session_id' } : { user: SESSION_USER, session: USER_SESSION }

/**
 * TRUE for every hit of the user's first session in the loaded data (the lowest session_id).
 * Anonymous hits (user_id NULL) are never a first session: NULL users are not one user.
 *
 * Shape: min(session_id) over (partition by user_id) = session_id
 */
export function isFirstSessionColumn(
  eb: EventsExpressionBuilder,
  order: SessionOrder = 'session_id',
): RawBuilder<boolean> {
  const { user, session } = ordering(order)
  const first = windowed(eb, sql`min(${eb.ref(session)})`, { partitionBy: [user] })
  return sql<boolean>`(${eb.ref('user_id')} is not null and ${first} = ${eb.ref(session)})`
}

/**
 * TRUE for every hit in the time bucket that holds the user's first session: with '%Y-%m-%d'
 * the whole day of the first session (both days when it crosses midnight).
 *
 * Shape: min(session_id) over (partition by user_id, <bucket>) = min(session_id) over (partition by user_id)
 * (user_id first, so one sort serves both windows)
 */
export function isNewUserColumn(
  hub: HubContext,
  eb: EventsExpressionBuilder,
  timeAggregation?: string,
  order: SessionOrder = 'session_id',
): RawBuilder<boolean> {
  const { user, session } = ordering(order)
  const lowest = sql`min(${eb.ref(session)})`
  const firstInBucket = windowed(eb, lowest, { partitionBy: [user, timeBucket(hub, eb, timeAggregation)] })
  const first = windowed(eb, lowest, { partitionBy: [user] })
  return sql<boolean>`(${eb.ref('user_id')} is not null and ${firstInBucket} = ${first})`
}
