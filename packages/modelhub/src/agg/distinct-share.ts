import { sql } from 'kysely'
import type { AnyQuery } from '../hub/any-query.ts'
import type { HubContext } from '../hub/hub-context.ts'
import { output, typedResult } from '../results/typed-result.ts'
import { type AggregateQuery, aggregateResult, distinctPairs, groupedByKeys, labelledKeys } from './aggregate-query.ts'
import type { GroupBy } from './group-by.ts'

/**
 * `divide(count(q where flag), count(q))` for a distinct count of `column`, in one pass over `q`:
 * per group, the distinct values on rows whose `flag` is TRUE, over all distinct values, as `name`
 * (results/share.ts decides when that is what the division asks for).
 *
 * It gives exactly the rows of divide's FULL OUTER JOIN of the two counts. A group with no
 * flagged row has no numerator row there, so its share is NULL. With keys, a group whose key is
 * NULL matches nothing: the join returns it once from each side that has it, both with a NULL
 * share, so such a group is returned twice when some of its rows are flagged. Without keys, both
 * sides are one row, and the share of nothing flagged is 0. The counts are the result's numbers
 * (engine.outputNumber) before they are divided, as in the join.
 *
 * Shape: select <keys>, <share> as name from (
 *          select <keys>, count(column) as all_n, count(case when flag = 1 then column end) as flagged_n,
 *            max(flag) as flagged from (<pairs, with max(case when flag then 1 else 0 end) as flag>) as pairs
 *          group by <keys>) as counted
 *        inner join (select 1 as side union all select 2 as side) as sides on true
 *        where side = 1 or (flagged = 1 and <some key is null>)
 */
export function distinctShare<R>(
  hub: HubContext,
  q: AnyQuery,
  groupBy: GroupBy<Record<string, unknown>>,
  column: string,
  flag: string,
  name: string,
): AggregateQuery<R> {
  const number = (value: Parameters<typeof output>[2]) => output(hub.engine, 'number', value)
  const { pairs, keys } = distinctPairs(hub, q, groupBy, [column], [column], (eb) => ({
    [flag]: sql<number>`max(case when ${eb.ref(flag)} then 1 else 0 end)`,
  }))
  const counted = groupedByKeys(
    hub,
    hub.db
      .selectFrom(pairs.as('pairs'))
      .select((eb) => [
        ...labelledKeys(hub, keys, eb),
        number(sql`count(${eb.ref(column)})`).as('all_n'),
        number(sql`count(case when ${eb.ref(flag)} = 1 then ${eb.ref(column)} end)`).as('flagged_n'),
        sql<number>`max(${eb.ref(flag)})`.as('flagged'),
      ]),
    keys,
  )
  const share = sql<number | null>`(${sql.ref('flagged_n')} * 1.0) / nullif(${sql.ref('all_n')}, 0)`
  if (keys.length === 0) {
    const single = hub.db.selectFrom(counted.as('counted')).select(share.as(name))
    return aggregateResult(typedResult(hub, single, { [name]: 'number' }))
  }
  const sides = hub.db.selectNoFrom(sql<number>`1`.as('side')).unionAll(hub.db.selectNoFrom(sql<number>`2`.as('side')))
  const shared = hub.db
    .selectFrom(counted.as('counted'))
    .innerJoin(sides.as('sides'), (join) => join.onTrue())
    .select((eb) => {
      const matched = eb.and([
        eb('flagged', '=', eb.lit(1)),
        ...keys.map((key) => eb(`counted.${key.name}`, 'is not', null)),
      ])
      return [
        ...keys.map((key) => eb.ref(`counted.${key.name}`).as(key.name)),
        eb.case().when(matched).then(share).end().as(name),
      ]
    })
    .where((eb) =>
      eb.or([
        eb('sides.side', '=', eb.lit(1)),
        eb.and([eb('flagged', '=', eb.lit(1)), eb.or(keys.map((key) => eb(`counted.${key.name}`, 'is', null)))]),
      ]),
    )
  return aggregateResult(typedResult(hub, shared, { [name]: 'number' }))
}
