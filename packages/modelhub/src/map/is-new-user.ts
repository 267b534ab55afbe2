import { windowed } from '@kysely-modelhub/core'
import { type ExpressionBuilder, type RawBuilder, sql } from 'kysely'
import type { HubContext } from '../hub-context.ts'
import { timeBucket } from './time-agg.ts'

/**
 * TRUE for every hit of the user's first session in the loaded data (the lowest session_id).
 * Anonymous hits (user_id NULL) are never a first session: NULL users are not one user.
 *
 * Shape: min(session_id) over (partition by user_id) = session_id
 */
export function isFirstSessionColumn(eb: ExpressionBuilder<any, 'events'>): RawBuilder<boolean> {
  const first = windowed(eb, sql`min(${eb.ref('session_id')})`, { partitionBy: ['user_id'] })
  return sql<boolean>`(${eb.ref('user_id')} is not null and ${first} = ${eb.ref('session_id')})`
}

/**
 * TRUE for every hit in the time bucket that holds the user's first session: with '%Y-%m-%d'
 * the whole day of the first session (both days when it crosses midnight).
 *
 * Shape: min(session_id) over (partition by <bucket>, user_id) = min(session_id) over (partition by user_id)
 */
export function isNewUserColumn(
  hub: HubContext,
  eb: ExpressionBuilder<any, 'events'>,
  timeAggregation?: string,
): RawBuilder<boolean> {
  const session = sql`min(${eb.ref('session_id')})`
  const firstInBucket = windowed(eb, session, { partitionBy: [timeBucket(hub, eb, timeAggregation), 'user_id'] })
  const first = windowed(eb, session, { partitionBy: ['user_id'] })
  return sql<boolean>`(${eb.ref('user_id')} is not null and ${firstInBucket} = ${first})`
}
