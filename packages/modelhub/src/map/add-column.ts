import type { Expression, SelectQueryBuilder } from 'kysely'
import type { AnyQuery, EventsExpressionBuilder } from '../hub/any-query.ts'
import type { HubContext } from '../hub/hub-context.ts'
import type { Flatten } from '../pipeline/objectiv-event.ts'
import {
  flagsUnder,
  PREVIOUS_MOMENT,
  SESSION_KEY,
  SESSION_START,
  STORED,
  wholePipeline,
  withPipelineColumns,
  withSessionKeys,
} from '../pipeline/session-keys.ts'
import { requireColumnsOf } from '../results/columns-of.ts'

/** Any query over events whose rows have at least the columns `O`. */
export type EventsLike<O> = AnyQuery<O>

/** Rows of `O` with column `A` of type `T` added (or replaced). */
export type WithColumn<O, A extends string, T> = Flatten<Omit<O, A> & { [K in A]: T }>

/** The query a map helper returns: the same rows, one more column, still called `events`. */
export type MappedQuery<Q, A extends string, T> =
  Q extends SelectQueryBuilder<infer DB, infer _TB, infer O>
    ? SelectQueryBuilder<Omit<DB, 'events'> & { events: WithColumn<O, A, T> }, 'events', WithColumn<O, A, T>>
    : never

/**
 * The last select of a map helper as the query it promises: the rows of `Q` and column `A`. Its
 * column list is known only at run time, so Kysely cannot infer it: every map helper ends here,
 * the one place that asserts its result type.
 */
function mappedResult<Q, A extends string, T>(q: AnyQuery): MappedQuery<Q, A, T> {
  return q as MappedQuery<Q, A, T>
}

/**
 * Adds one column computed over the rows of `q`, keeping every row. The column is computed in a
 * subquery and selected again outside it, so `.where(name, …)` works on the result at once. Over
 * the pipeline the conversion flags under `q` are read and carried on too (flagsUnder), and so are
 * moment and user_id as stored when `overStored` is given: it computes the column from them
 * (STORED), without the typed columns' conversions per event.
 *
 * Shape: select * from (select events.*, <column> as name from (<q>) as events) as events
 * Over the pipeline: select <q columns>, name from (select <q columns>, <hidden>, <column> as name
 *   from (<q + hidden>) as events) as events
 */
export function addColumn<Q extends AnyQuery, A extends string, T>(
  hub: HubContext,
  q: Q,
  name: A,
  column: (eb: EventsExpressionBuilder) => Expression<T>,
  overStored?: (eb: EventsExpressionBuilder) => Expression<T>,
): MappedQuery<Q, A, T> {
  const flags = flagsUnder(q)
  const stored = overStored ? [...Object.values(STORED), ...flags] : []
  const storedToo = stored.length > 0 && withPipelineColumns(q, stored)
  const hidden = storedToo ? stored : flags
  const withHidden = storedToo || (flags.length > 0 && withPipelineColumns(q, flags))
  if (!withHidden) {
    const inner = hub.db
      .selectFrom(q.as('events'))
      .selectAll('events')
      .select((eb) => eb.parens(column(eb)).as(name))
    return mappedResult(hub.db.selectFrom(inner.as('events')).selectAll('events'))
  }
  const computed = storedToo && overStored ? overStored : column
  const columns = requireColumnsOf(q, `the "${name}" column`).filter((c) => c !== name)
  const inner = hub.db
    .selectFrom(withHidden.as('events'))
    .select((eb) => [
      ...[...columns, ...hidden].map((c) => eb.ref(`events.${c}`).as(c)),
      eb.parens(computed(eb)).as(name),
    ])
  return mappedResult(hub.db.selectFrom(inner.as('events')).select([...columns, name].map((c) => `events.${c}`)))
}

/**
 * {@link addColumn}, but over the events pipeline the column is `keyed`, which may read the
 * session key columns (session-keys.ts) instead of session_id; they do not leave the query.
 * `keyed` is told when `q` holds every row of the pipeline (wholePipeline): then each user's
 * first session is their key 1, and the stored moment (STORED.moment), the session starts
 * (SESSION_START) and previous moments (PREVIOUS_MOMENT) can be read. The stored columns pass on
 * with the keys, for the aggregates and helpers over the result.
 *
 * Shape over the pipeline: select <q columns>, name from (select <q columns>, <keys>, <keyed> as name
 *   from (<q + keys>) as events) as events
 */
export function addSessionColumn<Q extends AnyQuery, A extends string, T>(
  hub: HubContext,
  q: Q,
  name: A,
  column: (eb: EventsExpressionBuilder) => Expression<T>,
  keyed: (eb: EventsExpressionBuilder, whole: boolean) => Expression<T>,
): MappedQuery<Q, A, T> {
  // With the keys, moment and user_id as stored where q still has them: windows ordered by the
  // stored moment follow the pipeline's per-user order (no sort of their own), and aggregates over
  // this result read them as over the pipeline (session-keys.ts, storedEvents).
  const stored = Object.values(STORED)
  const flags = flagsUnder(q)
  const storedToo = withSessionKeys(q, [...stored, ...flags])
  // Over every row the session starts and previous moments too: a user's first session ends
  // where their first gap begins (isNewUser reads that, with no pass numbering their sessions).
  const startsToo = storedToo && withSessionKeys(q, [...stored, SESSION_START, PREVIOUS_MOMENT, ...flags])
  const withKeys = startsToo ?? storedToo ?? withSessionKeys(q, flags)
  if (!withKeys) return addColumn(hub, q, name, column)
  const whole = startsToo !== undefined && wholePipeline(q)
  const columns = requireColumnsOf(q, `the "${name}" column`).filter((c) => c !== name)
  // The keys stay in the inner query, so a session helper over this result can read them too.
  const hidden = [
    ...SESSION_KEY,
    ...(storedToo ? stored : []),
    ...(startsToo ? [SESSION_START, PREVIOUS_MOMENT] : []),
    ...flags,
  ]
  const inner = hub.db
    .selectFrom(withKeys.as('events'))
    .select((eb) => [
      ...[...columns, ...hidden].map((c) => eb.ref(`events.${c}`).as(c)),
      eb.parens(keyed(eb, whole)).as(name),
    ])
  return mappedResult(hub.db.selectFrom(inner.as('events')).select([...columns, name].map((c) => `events.${c}`)))
}

/** Helper columns, each computed in the first pass. */
export type Helpers = Record<string, (eb: EventsExpressionBuilder) => Expression<unknown>>

/**
 * {@link addColumn} for a column that needs window results of its own first: `helpers` are
 * computed in one pass, `column` in the next, and only the input's columns plus `name` leave.
 * With `keyed`, over the events pipeline its helpers and column are used instead, which may read
 * the session key columns (as in {@link addSessionColumn}) and the moment column it is given (the
 * stored one where `q` has it).
 *
 * Shape: select <q columns>, <column> as name from (select events.*, <helpers> from (<q>) as events) as events
 */
export function addColumnWithHelpers<Q extends AnyQuery, A extends string, T>(
  hub: HubContext,
  q: Q,
  name: A,
  helpers: Helpers,
  column: (eb: EventsExpressionBuilder) => Expression<T>,
  keyed?: (moment: string) => {
    readonly helpers: Helpers
    readonly column: (eb: EventsExpressionBuilder) => Expression<T>
  },
): MappedQuery<Q, A, T> {
  const columns = requireColumnsOf(q, `the "${name}" column`).filter((c) => c !== name)
  const flags = flagsUnder(q)
  // With the moment as stored where q still has it: compared without the typed one's conversion.
  const storedToo = keyed && withSessionKeys(q, [STORED.moment, ...flags])
  const withKeys = storedToo || (keyed && withSessionKeys(q, flags))
  // The keys and flags stay in the inner queries, so a helper over this result can read them too.
  const carried = [...columns, ...(withKeys ? SESSION_KEY : []), ...(storedToo ? [STORED.moment] : []), ...flags]
  const use = withKeys ? keyed(storedToo ? STORED.moment : 'moment') : { helpers, column }
  const first = hub.db
    .selectFrom((withKeys || (flags.length > 0 && withPipelineColumns(q, flags)) || q).as('events'))
    .selectAll('events')
    .select((eb) => Object.entries(use.helpers).map(([helper, build]) => eb.parens(build(eb)).as(helper)))
  const second = hub.db
    .selectFrom(first.as('events'))
    .select((eb) => [...carried.map((c) => eb.ref(`events.${c}`).as(c)), eb.parens(use.column(eb)).as(name)])
  return mappedResult(hub.db.selectFrom(second.as('events')).select([...columns, name].map((c) => `events.${c}`)))
}
