import { sql } from 'kysely'
import type { AnyQuery } from '../hub/any-query.ts'
import type { HubContext } from '../hub/hub-context.ts'
import {
  SESSION_START,
  SESSION_USER,
  STORED,
  sessionsOf,
  USER_SESSION,
  withSessionStarts,
} from '../pipeline/session-keys.ts'
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
 *          over every row of the events pipeline:
 *            select sum(<1 where the event starts a session>) as session_id_nunique
 *            from events where user_id is not null group by <session's user>
 *          over the events pipeline, filtered:
 *            select count(distinct <session's number within its user>) as session_id_nunique
 *            from events where user_id is not null group by <session's user>
 *          otherwise:
 *            select count(*) as session_id_nunique from (select user_id, session_id from events
 *              where user_id is not null group by user_id, session_id) as sessions group by user_id
 *        ) as users group by session_id_nunique
 *
 * @example hub.agg.frequency(hub.events()).orderBy('session_id_nunique')
 * // → [{ session_id_nunique: 1, user_id_nunique: 1 }, { session_id_nunique: 2, user_id_nunique: 3 }]
 */
export function frequency(hub: HubContext, q: AnyQuery): AggregateQuery<FrequencyRow> {
  const { query, session } = sessionsOf(q)
  const keyed = session.length > 1
  const starts = withSessionStarts(q)
  const users = starts
    ? // Over every row of the pipeline, a user's sessions are their session starts: counted in the
      // pass that finds them, as a hand-written query would, with no session numbers at all.
      hub.db
        .selectFrom(starts.as('events'))
        .select(sql<number>`sum(case when ${sql.ref(SESSION_START)} then 1 else 0 end)`.as('session_id_nunique'))
        // NULL exactly where the typed user_id is, without its cast to text on every event.
        .where(STORED.user_id, 'is not', null)
        .groupBy(SESSION_USER)
    : keyed
      ? // Over the events pipeline, the session keys: the rows come sorted by the key's user, so
        // grouping on it needs no sort or hash of every event, and within one known user the session
        // numbers alone tell their sessions apart (no global numbering).
        hub.db
          .selectFrom(query.as('events'))
          .select(sql<number>`count(distinct ${sql.ref(USER_SESSION)})`.as('session_id_nunique'))
          .where('user_id', 'is not', null)
          .groupBy(SESSION_USER)
      : // Otherwise a user's distinct sessions by two hashed GROUP BYs (aggregate-query.ts, countDistinct).
        hub.db
          .selectFrom(
            hub.db
              .selectFrom(query.as('events'))
              .select(['user_id', 'session_id'])
              .where('user_id', 'is not', null)
              .groupBy(['user_id', 'session_id'])
              .as('sessions'),
          )
          .select(sql<number>`count(*)`.as('session_id_nunique'))
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
