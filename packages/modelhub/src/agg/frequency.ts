import { sql } from 'kysely'
import type { AnyQuery } from '../hub/any-query.ts'
import type { HubContext } from '../hub/hub-context.ts'
import { sessionsOf } from '../pipeline/session-keys.ts'
import { typedResult } from '../results/typed-result.ts'
import { type AggregateQuery, aggregateResult } from './aggregate-query.ts'

/** A row of {@link AggModels.frequency}: how many users had this many sessions. */
export interface FrequencyRow {
  session_id_nunique: number
  user_id_nunique: number
}

/**
 * How many users have N sessions: one row per number of sessions. Anonymous events (user_id
 * NULL) are left out: they are not one user (Objectiv grouped them as one and reported a row
 * with 0 users).
 *
 * Shape: select session_id_nunique, count(*) as user_id_nunique from (
 *          select user_id, count(*) as session_id_nunique from (
 *            select user_id, session_id from events where user_id is not null group by user_id, session_id
 *            (over the events pipeline, <the session's number within its user> for session_id)
 *          ) as sessions group by user_id) as users
 *        group by session_id_nunique
 *
 * @example hub.agg.frequency(hub.events()).orderBy('session_id_nunique')
 * // → [{ session_id_nunique: 1, user_id_nunique: 1 }, { session_id_nunique: 2, user_id_nunique: 3 }]
 */
export function frequency(hub: HubContext, q: AnyQuery): AggregateQuery<FrequencyRow> {
  // Over the events pipeline, the session keys: within one known user the key's user is that user,
  // so its session number alone tells their sessions apart, and no global numbering is needed.
  const { query, session } = sessionsOf(q)
  const sessionOfUser = session[session.length - 1] as string
  // A user's distinct sessions by two hashed GROUP BYs (aggregate-query.ts, countDistinct).
  const sessions = hub.db
    .selectFrom(query.as('events'))
    .select((eb) => [eb.ref('user_id').as('user_id'), eb.ref(sessionOfUser).as('session')])
    .where('user_id', 'is not', null)
    .groupBy(['user_id', sessionOfUser])
  const users = hub.db
    .selectFrom(sessions.as('sessions'))
    .select((eb) => [eb.ref('user_id').as('user_id'), sql<number>`count(*)`.as('session_id_nunique')])
    .groupBy('user_id')
  const counted = hub.db
    .selectFrom(users.as('users'))
    .select((eb) => [
      eb.ref('session_id_nunique').as('session_id_nunique'),
      sql<number>`count(*)`.as('user_id_nunique'),
    ])
    .groupBy('session_id_nunique')
  return aggregateResult(typedResult(hub, counted, { session_id_nunique: 'number', user_id_nunique: 'number' }))
}
