import { windowed } from '@kysely-modelhub/core'
import { sql } from 'kysely'
import type { AnyExpressionBuilder, AnyQuery } from '../hub/any-query.ts'
import { type FunnelPlan, flag, LATEST_FIRST, sameStep, withinWindow } from './funnel-plan.ts'

/** A step definition of an unordered funnel and how many times the steps list it. */
interface Definition {
  /** Its first step's number: its events are those with that step's flag. */
  readonly step: number
  readonly times: number
}

/** The earliest moment, from this row's moment on, by which `j` distinct moments of definition `d` are seen. */
const seenBy = (d: number, j: number) => `__at_${d}_${j}`
/** From an event of definition `d` at this row: the earliest moment by which `j` distinct moments of it are seen. */
const chainBy = (d: number, j: number) => `__after_${d}_${j}`

function definitions({ steps, numbers }: FunnelPlan): Definition[] {
  const firsts = numbers.filter((i) => !steps.slice(0, i - 1).some((earlier) => sameStep(earlier, steps[i - 1])))
  return firsts.map((i) => ({ step: i, times: steps.filter((s) => sameStep(s, steps[i - 1])).length }))
}

/**
 * The attempts of an unordered funnel: each event of any step (with a group key) starts one; it
 * reaches as many steps as have an event from its moment to the end of the conversion window. A
 * definition listed n times counts up to n times, once per distinct moment with an event of it.
 *
 * Shape: over the step events grouped per (user, moment, group keys) and ordered as the windows read
 * them (Engine.inWindowOrder), window passes that look back from the user's last event (see
 * step-chains.ts), with g = dense_rank() over (partition by user order by moment desc) when a
 * definition is listed more than once (else the frames order by moment desc): pass j adds, per
 * definition listed at least j times, the moment its j-th distinct moment is seen from each row,
 * min(case when <step> then <moment of its (j-1)-th, from there> end) over (… range between unbounded
 * preceding and current row), and the chain for j+1 with the frame ending at 1 preceding (a later
 * moment).
 */
export function anyOrderStarts(funnel: FunnelPlan, flagged: AnyQuery): AnyQuery {
  const { hub, keyAlias, numbers } = funnel
  const defs = definitions(funnel)
  const deepest = Math.max(...defs.map((d) => d.times))
  // Only a repeated definition needs "a later moment" (g + 1); else the frames order by moment itself.
  const order = deepest > 1 ? '__g' : LATEST_FIRST
  // In any order only step events matter (unlike strict order): the windows run over them alone, one
  // row per user, moment and group keys, with any of its events' flags. The frames read moments, not
  // events, so the answer is the same; and Postgres groups these rows in parallel workers, where the
  // step tests (the JSON) are computed, which the window sort cannot do.
  const anyStep = (eb: AnyExpressionBuilder) => eb.or(numbers.map((i) => eb(eb.ref(flag(i)), '=', true)))
  const columns = [...keyAlias, '__by', '__moment']
  // Grouped in the windows' order, so Postgres sorts in its workers and groups as the rows come.
  const stepEvents = hub.engine.inWindowOrder(
    hub.db
      .selectFrom(flagged.as('events'))
      .where(anyStep)
      .select((eb) => [
        ...columns.map((column) => eb.ref(column).as(column)),
        ...numbers.map((i) => sql<boolean>`max(case when ${eb.ref(flag(i))} then 1 else 0 end) = 1`.as(flag(i))),
      ])
      .groupBy(columns),
    (query) => query.orderBy('__by').orderBy(LATEST_FIRST.by, LATEST_FIRST.direction),
  )
  let level: AnyQuery =
    deepest > 1
      ? stepEvents.select((eb) =>
          windowed(eb, sql<number>`dense_rank()`, { partitionBy: ['__by'], orderBy: [LATEST_FIRST] }).as('__g'),
        )
      : stepEvents
  for (let j = 1; j <= deepest; j++) {
    const previous = level
    level = hub.db
      .selectFrom(previous.as('events'))
      .selectAll()
      .select((eb) => {
        const chain = (d: Definition) => (j === 1 ? eb.ref('__moment') : eb.ref(chainBy(d.step, j)))
        const earliest = (d: Definition, end: 'current row' | { preceding: number }) =>
          windowed(eb, sql`min(case when ${eb.ref(flag(d.step))} then ${chain(d)} end)`, {
            partitionBy: ['__by'],
            orderBy: [order],
            frame: { kind: 'range', start: 'unbounded preceding', end },
          })
        const listed = defs.filter((d) => d.times >= j)
        return [
          ...listed.map((d) => earliest(d, 'current row').as(seenBy(d.step, j))),
          ...listed.filter((d) => d.times > j).map((d) => earliest(d, { preceding: 1 }).as(chainBy(d.step, j + 1))),
        ]
      })
  }
  const counted = defs.flatMap((d) => Array.from({ length: d.times }, (_, j) => seenBy(d.step, j + 1)))
  return hub.db
    .selectFrom(level.as('events'))
    .where((eb) => eb.and(keyAlias.map((alias) => eb(alias, 'is not', null))))
    .select((eb) => [
      ...keyAlias.map((alias) => eb.ref(alias).as(alias)),
      eb.ref('__by').as('__by'),
      eb.ref('__moment').as('__moment'),
      sql<number>`${sql.join(
        counted.map(
          (column) => sql`case when ${withinWindow(funnel, eb.ref('__moment'), eb.ref(column))} then 1 else 0 end`,
        ),
        sql` + `,
      )}`.as('__reached'),
    ])
}
