import type { AnyQuery } from '../hub/any-query.ts'
import type { HubContext } from '../hub/hub-context.ts'
import { storedEvents } from '../pipeline/session-keys.ts'
import { shareable } from '../results/share.ts'
import { type AggregateQuery, countDistinct } from './aggregate-query.ts'
import { distinctShare } from './distinct-share.ts'
import { type GroupBy, groupByColumns } from './group-by.ts'

/**
 * Distinct users per group; anonymous users (user_id NULL) are not counted. Divided by the same
 * count over more rows, it is a share counted in one pass (results/share.ts).
 *
 * Shape: select <keys>, count(user_id) as unique_users
 *        from (select <keys>, user_id from events group by <keys>, user_id) as pairs group by <keys>
 */
export function uniqueUsers<R>(
  hub: HubContext,
  q: AnyQuery,
  groupBy: GroupBy<Record<string, unknown>>,
): AggregateQuery<R> {
  // Users and moments as stored: counted and bucketed, never returned.
  const stored = (source: AnyQuery) => storedEvents(hub.db, source, groupByColumns(groupBy))
  return shareable(countDistinct<R>(hub, stored(q), groupBy, ['user_id'], 'unique_users'), {
    hub,
    source: q,
    count: (source) => uniqueUsers(hub, source, groupBy),
    share: (source, flag) => distinctShare(hub, stored(source), groupBy, 'user_id', flag, 'unique_users'),
  })
}
