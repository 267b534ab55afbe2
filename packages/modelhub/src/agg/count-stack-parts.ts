import { sql } from 'kysely'
import type { AnyQuery } from '../hub/any-query.ts'
import type { HubContext } from '../hub/hub-context.ts'
import { typedResult } from '../results/typed-result.ts'
import { niceNameOfPartText } from './location-option.ts'

/** The column of feature rows holding the stack part whose nice name is the feature. */
export const STACK_PART = '__stack_part'

/** The keys a feature is counted by besides its part. */
const KEYS = ['application', 'event_type'] as const

/**
 * Distinct users per (application, nice name of `STACK_PART`, event type) of feature rows, each
 * distinct part named once instead of once per event. A nice name is a subquery over the part's
 * contexts, which Postgres does not run in parallel workers: per event it would cost more than
 * parsing the event.
 *
 * The distinct (application, part, event type, user) rows are counted and collected per
 * (application, part, event type), then each part is named; parts are told apart by their JSON
 * text. Two parts can share a name (a name shows only each context's `_type` and `id`): only the
 * groups of such a name unnest their users again and count them distinct; every other group keeps
 * its count. NULL users are not counted.
 *
 * Shape: select application, feature_nice_name, event_type,
 *          case when max(sharing) = 1 then max(users_n) else count(distinct user_id) end as <value> from (
 *            select …, count(*) over (partition by application, feature_nice_name, event_type) as sharing from (
 *              select application, <nice name of part parsed> as feature_nice_name, event_type, users_n, users from (
 *                select application, part, event_type, count(user_id) as users_n, collect(user_id) as users from (
 *                  select application, <part's JSON text> as part, event_type, user_id from (<q>) group by all four) as pairs
 *                group by application, part, event_type) as parts offset null) as named) as named
 *          left join unnest(case when sharing > 1 then users end) as user_id on true
 *        group by application, feature_nice_name, event_type
 */
export function countStackParts(hub: HubContext, q: AnyQuery, value: string): AnyQuery {
  const { engine } = hub
  // The distinct rows first: Postgres hashes them in parallel workers, which collecting cannot do.
  // Keyed by the part's JSON text: hashing text is cheaper than hashing jsonb, and the hash holds
  // less. Equal text is equal JSON; two texts of one JSON value (1.0, 1.00) share a name, counted below.
  const partText = engine.jsonText(sql.ref(STACK_PART))
  const pairs = hub.db
    .selectFrom(q.as('features'))
    .select([...KEYS, 'user_id'])
    .select(partText.as(STACK_PART))
    .groupBy([...KEYS, 'user_id'])
    .groupBy(partText)
  const parts = hub.db
    .selectFrom(pairs.as('pairs'))
    .select([...KEYS, STACK_PART])
    .select((eb) => [
      sql<number>`count(${eb.ref('user_id')})`.as('users_n'),
      engine.collect(eb.ref('user_id')).as('users'),
    ])
    .groupBy([...KEYS, STACK_PART])
  // Computed once (the fence): read by the window and the join above, the name would be built again.
  const named = engine.computedOnce(
    hub.db
      .selectFrom(parts.as('parts'))
      .select([...KEYS, 'users_n', 'users'])
      .select(niceNameOfPartText(hub, sql.ref(`parts.${STACK_PART}`)).as('feature_nice_name')),
  )
  const shared = hub.db
    .selectFrom(named.as('named'))
    .selectAll('named')
    .select(
      sql<number>`count(*) over (partition by ${sql.ref('application')}, ${sql.ref('feature_nice_name')}, ${sql.ref('event_type')})`.as(
        'sharing',
      ),
    )
  const counted = hub.db
    .selectFrom(shared.as('named'))
    .leftJoin(
      sql`unnest(case when ${sql.ref('named.sharing')} > 1 then ${sql.ref('named.users')} end)`.as('user_id'),
      (join) => join.onTrue(),
    )
    .select(['named.application', 'named.feature_nice_name', 'named.event_type'])
    .select(
      sql<number>`case when max(${sql.ref('named.sharing')}) = 1 then max(${sql.ref('named.users_n')}) else count(distinct ${sql.ref('user_id')}) end`.as(
        value,
      ),
    )
    .groupBy(['named.application', 'named.feature_nice_name', 'named.event_type'])
  return typedResult(hub, counted, { [value]: 'number' })
}
