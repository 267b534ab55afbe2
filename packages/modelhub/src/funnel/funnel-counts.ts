import { windowed } from '@kysely-modelhub/core'
import { type Expression, sql } from 'kysely'
import type { AnyExpressionBuilder, AnyQuery } from '../hub/any-query.ts'
import { typedResult } from '../results/typed-result.ts'
import type { FunnelPlan } from './funnel-plan.ts'

/**
 * Per user, the best attempt: the furthest step, then the earliest start, then the smallest group
 * key; rank 1. `carried` are more columns of the attempts to keep.
 */
export function bestStartPerUser(funnel: FunnelPlan, starts: AnyQuery, carried: readonly string[] = []) {
  const { hub, keyAlias } = funnel
  return hub.db.selectFrom(starts.as('starts')).select((eb) => [
    ...keyAlias.map((alias) => eb.ref(alias).as(alias)),
    eb.ref('__reached').as('__reached'),
    windowed(eb, sql<number>`row_number()`, {
      partitionBy: ['__by'],
      orderBy: [
        { by: '__reached', direction: 'desc' },
        '__moment',
        // By the keys' text, through engine.groupKey: BigQuery cannot cast a JSON value to STRING.
        ...keyAlias.flatMap((alias) =>
          hub.engine.groupKey(eb.ref(alias)).groupBy.map((key) => hub.engine.codePointOrder(hub.engine.toText(key))),
        ),
      ],
    }).as('__rank'),
    ...carried.map((column) => eb.ref(column).as(column)),
  ])
}

/** Per group, the users who reached each step: one row with `__n_1` … `__n_<steps>`. */
export function countedPerStep({ hub, keyAlias, numbers }: FunnelPlan, best: AnyQuery) {
  return (
    hub.db
      .selectFrom(best.as('users'))
      .where('__rank', '=', 1)
      .select((eb) => [
        // Grouped through engine.groupKey: BigQuery cannot group JSON values (a global context).
        ...keyAlias.map((alias) => sql`${hub.engine.groupKey(eb.ref(alias)).select}`.as(alias)),
        ...numbers.map((k) =>
          sql<number>`count(case when ${eb.ref('__reached')} >= ${sql.lit(k)} then 1 end)`.as(`__n_${k}`),
        ),
      ])
      .$call((query) =>
        keyAlias.length
          ? query.groupBy(keyAlias.flatMap((alias) => hub.engine.groupKey(sql.ref(alias)).groupBy))
          : query,
      )
      // Keyless: count(...) always gives one row; keep it only when some user started the funnel.
      .$call((query) => (keyAlias.length ? query : query.having(sql<boolean>`count(*) > 0`)))
  )
}

/** One row per step: the counts once, crossed with the step numbers (a UNION ALL of constants), sorted. */
export function oneRowPerStep({ hub, keys, keyAlias, numbers }: FunnelPlan, counted: AnyQuery) {
  const ratio = (numerator: Expression<number>, denominator: Expression<number>) =>
    sql<number | null>`1.0 * ${numerator} / nullif(${denominator}, 0)`
  const stepRows = numbers
    .map((k) => hub.db.selectNoFrom(sql<number>`${sql.lit(k)}`.as('step')))
    .reduce((all, next) => all.unionAll(next))
  const pick = (eb: AnyExpressionBuilder, at: (k: number) => Expression<unknown>) =>
    sql`case ${eb.ref('steps.step')} ${sql.join(
      numbers.map((k) => sql`when ${sql.lit(k)} then ${at(k)}`),
      sql` `,
    )} end`
  const unioned = hub.db
    .selectFrom([counted.as('counted'), stepRows.as('steps')])
    .select((eb) => [
      ...keys.map((key, i) => eb.ref(`counted.${keyAlias[i]}`).as(key.name)),
      eb.ref('steps.step').as('step'),
      pick(eb, (k) => eb.ref(`counted.__n_${k}`)).as('n_users'),
      pick(eb, (k) => (k === 1 ? sql`1.0` : ratio(eb.ref(`counted.__n_${k}`), eb.ref(`counted.__n_${k - 1}`)))).as(
        'step_conversion_rate',
      ),
      pick(eb, (k) => (k === 1 ? sql`1.0` : ratio(eb.ref(`counted.__n_${k}`), eb.ref('counted.__n_1')))).as(
        'full_conversion_rate',
      ),
    ])
  const typed = typedResult(hub, unioned, {
    step: 'number',
    n_users: 'number',
    step_conversion_rate: 'number',
    full_conversion_rate: 'number',
  })
  // Sorted by the keys through engine.groupKey, since BigQuery cannot ORDER BY a JSON value either.
  let sorted = typed
  for (const key of keys) {
    for (const part of hub.engine.groupKey(sql.ref(`result.${key.name}`)).groupBy) sorted = sorted.orderBy(part)
  }
  return sorted.orderBy('step')
}
