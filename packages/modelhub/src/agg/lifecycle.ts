import { type CalendarUnit, invalid, parseTimeFormat, windowed } from '@kysely-modelhub/core'
import { type Expression, type SelectQueryBuilder, sql } from 'kysely'
import type { HubContext } from '../hub/hub-context.ts'
import { typedResult } from '../results/typed-result.ts'
import type { AggregateQuery } from './aggregate-query.ts'

/** The length of a lifecycle period. */
export type LifecyclePeriod = 'daily' | 'weekly' | 'monthly'

/** What a user is in a period: first seen, back from the previous period, back after a gap, or gone. */
export type LifecycleStatus = 'new' | 'returning' | 'resurrecting' | 'dormant'

/** How many users had one status in one period. */
export interface LifecycleRow {
  /** The period, labelled like retentionMatrix's cohorts: 'YYYY-MM-DD' (a week by its Monday) or 'YYYY-MM'. */
  period: string
  status: LifecycleStatus
  /** Distinct users, a count ≥ 0 for every status (charts draw `dormant` below zero). */
  users: number
}

export interface LifecycleOptions {
  /** Default 'weekly'. */
  readonly period?: LifecyclePeriod
}

const PERIODS: Readonly<Record<LifecyclePeriod, { readonly unit: CalendarUnit; readonly label: string }>> = {
  daily: { unit: 'day', label: '%Y-%m-%d' },
  weekly: { unit: 'week', label: '%Y-%m-%d' },
  monthly: { unit: 'month', label: '%Y-%m' },
}

/** The statuses in the order a chart stacks them; every period has a row for each. */
export const LIFECYCLE_STATUSES: readonly LifecycleStatus[] = ['new', 'returning', 'resurrecting', 'dormant']

/**
 * Lifecycle of users per calendar period (UTC), as PostHog's lifecycle insight defines it: a user
 * active in a period is `new` in their first period, `returning` when also active in the previous
 * period, else `resurrecting`; a user active in the previous period but not in this one is
 * `dormant` in it. Anonymous events (user_id NULL) never count. Decisions (docs/semantics.md §S8):
 * every period from the first to the last with activity has one row per status (0 included),
 * `users` is never negative, and a period in which nobody at all was active is not listed.
 *
 * Shape (windows and aggregates, one pass, no join per period):
 *   select period, status, case status when 'new' then new … when 'dormant' then dormant end as users from (
 *     select period_start, new, returning, resurrecting,
 *       case when <units from previous_start to period_start> = 1 then previous_active - returning else 0 end as dormant
 *     from (select period_start, count(case when user_previous_start is null then 1 end) as new,
 *             count(case when <units from user_previous_start to period_start> = 1 then 1 end) as returning, …,
 *             lag(period_start) over (order by period_start) as previous_start,
 *             lag(count(*)) over (order by period_start) as previous_active
 *           from (select period_start, lag(period_start) over (partition by user_id …) as user_previous_start
 *                 from (select user_id, <start of moment's period> as period_start from events
 *                       where user_id is not null group by user_id, period_start) as user_periods) as user_periods
 *           group by period_start) as periods) as periods
 *   cross join (select 'new' as status union all … ) as statuses
 *
 * @example hub.agg.lifecycle(hub.events(), { period: 'weekly' }).orderBy(['period', 'status'])
 * // → [{ period: '2021-11-29', status: 'dormant', users: 0 }, { period: '2021-11-29', status: 'new', users: 4 }, …]
 */
export function lifecycle(
  hub: HubContext,
  q: SelectQueryBuilder<any, any, any>,
  options: LifecycleOptions,
): AggregateQuery<LifecycleRow> {
  const period = options.period ?? 'weekly'
  if (!Object.hasOwn(PERIODS, period)) {
    invalid(
      'period',
      period,
      `expected one of ${Object.keys(PERIODS)
        .map((p) => `"${p}"`)
        .join(', ')}`,
    )
  }
  const { unit, label } = PERIODS[period]
  const { engine } = hub

  // One row per user and period they were active in.
  const userPeriods = hub.db
    .selectFrom(
      hub.db
        .selectFrom(q.as('events'))
        .select((eb) => [
          eb.ref('user_id').as('user_id'),
          engine.truncateTime(eb.ref('moment'), unit).as('period_start'),
        ])
        .where('user_id', 'is not', null)
        .as('events'),
    )
    .select(['user_id', 'period_start'])
    .groupBy(['user_id', 'period_start'])

  // The start of the user's previous active period (NULL in their first).
  const previous = hub.db
    .selectFrom(userPeriods.as('user_periods'))
    .select((eb) => [
      eb.ref('period_start').as('period_start'),
      windowed(eb, sql`lag(${eb.ref('period_start')})`, { partitionBy: ['user_id'], orderBy: ['period_start'] }).as(
        'user_previous_start',
      ),
    ])

  const count = (condition: Expression<unknown>) => sql<number>`count(case when ${condition} then 1 end)`
  // The previous period's start and active users come from a window over the grouped periods (one
  // row each), in the grouping select itself: over events BigQuery would need one worker for all.
  const perPeriod = hub.db
    .selectFrom(previous.as('user_periods'))
    .select((eb) => {
      const previous = (value: Expression<unknown>) => windowed(eb, sql`lag(${value})`, { orderBy: ['period_start'] })
      // Whole periods since the user's previous one: 1 right after it.
      const gap = engine.calendarUnitsBetween(eb.ref('user_previous_start'), eb.ref('period_start'), unit)
      return [
        eb.ref('period_start').as('period_start'),
        count(sql`${eb.ref('user_previous_start')} is null`).as('new'),
        count(sql`${gap} = 1`).as('returning'),
        count(sql`${gap} > 1`).as('resurrecting'),
        previous(eb.ref('period_start')).as('previous_start'),
        previous(sql`count(*)`).as('previous_active'),
      ]
    })
    .groupBy('period_start')

  // Dormant in a period: active in the previous one and not in this one, i.e. the previous
  // period's active users less this period's returning ones (0 when the previous period had nobody).
  const withDormant = hub.db.selectFrom(perPeriod.as('periods')).select((eb) => {
    const adjacent = sql`${engine.calendarUnitsBetween(eb.ref('previous_start'), eb.ref('period_start'), unit)} = 1`
    return [
      eb.ref('period_start').as('period_start'),
      eb.ref('new').as('new'),
      eb.ref('returning').as('returning'),
      eb.ref('resurrecting').as('resurrecting'),
      sql<number>`case when ${adjacent} then ${eb.ref('previous_active')} - ${eb.ref('returning')} else 0 end`.as(
        'dormant',
      ),
    ]
  })

  // One row per period and status: a join with four constant rows, not with the data.
  const statuses = sql.join(
    LIFECYCLE_STATUSES.map((status) => sql`select ${sql.lit(status)} as status`),
    sql` union all `,
  )
  const long = hub.db.selectFrom([withDormant.as('periods'), sql`(${statuses})`.as('statuses')]).select((eb) => {
    const start = eb.ref('periods.period_start')
    const labelled: Expression<unknown> = engine.timeFormat(start, parseTimeFormat(label))
    const users = sql<number>`case ${eb.ref('statuses.status')} ${sql.join(
      LIFECYCLE_STATUSES.map((status) => sql`when ${sql.lit(status)} then ${eb.ref(`periods.${status}`)}`),
      sql` `,
    )} end`
    return [eb.parens(labelled).as('period'), eb.ref('statuses.status').as('status'), users.as('users')]
  })
  return typedResult(hub, long, { users: 'number' }) as unknown as AggregateQuery<LifecycleRow>
}
