import { type Engine, type SessionIds, windowed } from '@kysely-modelhub/core'
import { sql } from 'kysely'
import type { AnyKysely, AnyQuery } from '../hub/any-query.ts'
import { PREVIOUS_MOMENT, SESSION_START, SESSION_USER, USER_SESSION } from './session-keys.ts'

export interface SessionizeOptions {
  /** Columns passed through unchanged (besides user_id). */
  readonly columns: readonly string[]
  readonly sessionGapSeconds: number
  /** How session_id numbers sessions (core's SessionIds). */
  readonly sessionIds: SessionIds
  /** Set user_id to NULL, after sessionization, where the `identity` column is NULL. */
  readonly anonymize: boolean
  /** What the input holds, its name in the SQL (a CTE of the exported SQL): 'extracted' events by default. */
  readonly inputName?: string
}

const byUser = ['user_id'] as const
const chronological = ['moment', 'event_id'] as const
const runningRows = { kind: 'rows', start: 'unbounded preceding' } as const
/** 'daily' ids: the day's number times this, plus the session's number within the day. */
const SESSIONS_PER_DAY = 1_000_000_000

/**
 * Objectiv's sessions in three window passes. An event starts a session when it is the user's
 * first or comes more than `sessionGapSeconds` after the user's previous event (a gap equal to
 * it stays in the session); events are ordered by (moment, event_id) everywhere.
 *
 * 1. per user: is_start (from lag(moment)) and user_hit (row_number)
 * 2. start_number on each session start, increasing with (moment, event_id):
 *    'sequential': the running count of session starts over all events (a window with no
 *    PARTITION BY: one sort of every event, on one worker);
 *    'daily': epoch day × 10⁹ + the running count of starts within the day (partitioned by day)
 * 3. per user: session_id = latest start_number so far (so sessions are numbered by their first
 *    event's (moment, event_id)), session_hit_number = user_hit - the start's user_hit + 1
 *
 * Two more columns, which events() does not select, name each session without the global pass:
 * SESSION_USER (the user before anonymization) and USER_SESSION (1 for the user's first session,
 * 2 for the next, …; counted in pass 3, which needs no pass 2 for it). Over every row, pass 1's
 * SESSION_START (is_start) and PREVIOUS_MOMENT (the user's previous event's moment, as stored)
 * count sessions, and sessions per period, in pass 1 alone. Models that
 * need sessions only as groups, or in order within a user, read them instead of session_id, and
 * the planner drops the global numbering and the sorts behind it.
 *
 * The planner drops these windows, and the sorts behind them, from any query that reads none of
 * these columns.
 */
export function sessionize(db: AnyKysely, engine: Engine, events: AnyQuery, options: SessionizeOptions): AnyQuery {
  // Inner passes carry every column with `*` (fewer nodes to compile; the planner still drops
  // what nothing reads); the last one selects the pipeline's columns by name.
  const input = options.inputName ?? 'extracted'
  const starts = db
    .selectFrom(events.as(input))
    .selectAll(input)
    .select((eb) => {
      const previous = windowed(eb, sql`lag(${eb.ref('moment')})`, {
        partitionBy: [...byUser],
        orderBy: [...chronological],
      })
      const sameSession = engine.withinSeconds(previous, eb.ref('moment'), options.sessionGapSeconds)
      return [
        sql<boolean>`case when ${sameSession} then false else true end`.as('is_start'),
        previous.as('previous_moment'),
        windowed(eb, sql<number>`row_number()`, { partitionBy: [...byUser], orderBy: [...chronological] }).as(
          'user_hit',
        ),
        ...(options.sessionIds === 'daily' ? [engine.epochDay(eb.ref('moment')).as('start_day')] : []),
      ]
    })
  const perUser = { partitionBy: [...byUser], orderBy: [...chronological], frame: runningRows }
  const numbered = db
    .selectFrom(starts.as('starts'))
    .selectAll('starts')
    .select((eb) => {
      const starting = sql`case when ${eb.ref('is_start')} then 1 else 0 end`
      const startNumber =
        options.sessionIds === 'daily'
          ? sql`${eb.ref('start_day')} * ${sql.lit(SESSIONS_PER_DAY)} + ${windowed(eb, sql`sum(${starting})`, { partitionBy: ['start_day'], orderBy: [...chronological], frame: runningRows })}`
          : windowed(eb, sql`sum(${starting})`, { orderBy: [...chronological], frame: runningRows })
      return [sql<number>`case when ${eb.ref('is_start')} then ${startNumber} end`.as('start_number')]
    })
  return db.selectFrom(numbered.as('numbered')).select((eb) => {
    const startHit = windowed(
      eb,
      sql<number>`max(case when ${eb.ref('is_start')} then ${eb.ref('user_hit')} end)`,
      perUser,
    )
    return [
      ...options.columns.map((c) => eb.ref(c).as(c)),
      options.anonymize
        ? sql<string | null>`case when ${eb.ref('identity')} is null then null else ${eb.ref('user_id')} end`.as(
            'user_id',
          )
        : eb.ref('user_id').as('user_id'),
      windowed(eb, sql<number>`max(${eb.ref('start_number')})`, perUser).as('session_id'),
      sql<number>`${eb.ref('user_hit')} - ${startHit} + 1`.as('session_hit_number'),
      eb.ref('user_id').as(SESSION_USER),
      // In this pass, not the global one: a query reading only the keys then needs passes 1 and 3,
      // over one per-user sort, and its rows leave in per-user order for models windowing on them.
      windowed(eb, sql<number>`sum(case when ${eb.ref('is_start')} then 1 else 0 end)`, perUser).as(USER_SESSION),
      eb.ref('is_start').as(SESSION_START),
      eb.ref('previous_moment').as(PREVIOUS_MOMENT),
    ]
  })
}
