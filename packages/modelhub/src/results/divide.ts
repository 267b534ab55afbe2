import { ModelHubInputError } from '@kysely-modelhub/core'
import { sql } from 'kysely'
import { type AggregateQuery, aggregateResult } from '../agg/aggregate-query.ts'
import type { AnyQuery } from '../hub/any-query.ts'
import type { HubContext } from '../hub/hub-context.ts'
import type { Flatten } from '../pipeline/objectiv-event.ts'
import { requireColumnsOf } from './columns-of.ts'
import { shareOf } from './share.ts'
import { typedResult } from './typed-result.ts'

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never
type IsOne<U> = [U] extends [never] ? false : [U] extends [UnionToIntersection<U>] ? true : false
type OnlyIn<A, B> = Exclude<keyof A & string, keyof B>
type NumberColumns<R> = { [K in keyof R & string]: R[K] extends number | null ? K : never }[keyof R & string]

/**
 * The value column of `a` in `divide(a, b)`, as far as types can tell: the one column each side
 * has that the other lacks (`unique_users` / `unique_sessions`), or, when both have the same
 * columns, the numeric ones (exactly the value unless a key is numeric too, then all of them).
 * `never` when the columns do not line up.
 */
export type DivideValue<RA, RB> = [OnlyIn<RA, RB>] extends [never]
  ? [OnlyIn<RB, RA>] extends [never]
    ? NumberColumns<RA>
    : never
  : IsOne<OnlyIn<RA, RB>> extends true
    ? IsOne<OnlyIn<RB, RA>> extends true
      ? OnlyIn<RA, RB>
      : never
    : never

type NumericValue<RA, RB> = [DivideValue<RA, RB>] extends [never]
  ? false
  : RA[DivideValue<RA, RB> & keyof RA] extends number | null
    ? true
    : false

/**
 * What `b` must also be for `divide(a, b)` to compile: nothing more, or an error naming the
 * columns that are not shared (a non-numeric value column counts as not shared: it is not one).
 */
export type DivideCheck<RA, RB> = [NumericValue<RA, RB>, NumericValue<RB, RA>] extends [true, true]
  ? unknown
  : {
      readonly 'divide: both queries need the same key columns, each followed by one numeric value column': {
        readonly onlyInNumerator: OnlyIn<RA, RB>
        readonly onlyInDenominator: OnlyIn<RB, RA>
      }
    }

/** The rows of `divide(a, b)`: those of `a`, with its value column a `number | null` quotient. */
export type Quotient<RA, RB> = Flatten<{ [K in keyof RA]: K extends DivideValue<RA, RB> ? number | null : RA[K] }>

/** A query with its value column split off: the value is its last column, as every model selects it. */
function valueAndKeys(q: AnyQuery, side: string): { value: string; keys: string[] } {
  const columns = requireColumnsOf(q, `divide ${side}`)
  const value = columns.at(-1)
  if (value === undefined)
    throw new ModelHubInputError(`divide ${side}: got a query without columns; expected an aggregate`)
  return { value, keys: columns.slice(0, -1) }
}

/**
 * `a / b` for two aggregates, row by row on their shared key columns: the value column of `a`
 * (its last column) divided by that of `b`, as a float. A FULL OUTER JOIN aligns them, so a key
 * present on one side only gives a row whose quotient is NULL, as Objectiv does
 * (docs/semantics.md §S4.6). Division by zero is NULL too, deliberately: a share of nothing is
 * undefined, and one empty group must not fail the whole query (Postgres raises an error) nor
 * return Infinity, which JSON and most BI tools cannot show.
 *
 * Keys are matched with `=`, because Postgres runs a FULL JOIN only on equality: a group whose
 * key is NULL is not matched with the other side's NULL group, and both come back with a NULL
 * quotient. With no keys (groupBy: null on both) the result is the single row `a / b`.
 *
 * When `a` counts what `b` counts over some of its rows, as the notebook's new-user share does,
 * both are counted in one pass instead, with the same rows (share.ts).
 *
 * Shape: select * from (select coalesce(numerator.k, denominator.k) as k, …,
 *   (numerator.v * 1.0) / nullif(denominator.v, 0) as v
 *   from (<a>) as numerator full outer join (<b>) as denominator on numerator.k = denominator.k and …) as result
 */
export function divide<R>(hub: HubContext, a: AnyQuery, b: AnyQuery): AggregateQuery<R> {
  const numerator = valueAndKeys(a, 'numerator')
  const denominator = valueAndKeys(b, 'denominator')
  const onlyInNumerator = numerator.keys.filter((k) => !denominator.keys.includes(k))
  const onlyInDenominator = denominator.keys.filter((k) => !numerator.keys.includes(k))
  if (onlyInNumerator.length > 0 || onlyInDenominator.length > 0) {
    const list = (keys: string[]) => (keys.length === 0 ? 'none' : keys.map((k) => JSON.stringify(k)).join(', '))
    throw new ModelHubInputError(
      `divide: the key columns differ: only in the numerator: ${list(onlyInNumerator)}; only in the denominator: ${list(onlyInDenominator)}. Both need the same key columns (e.g. the same groupBy), each followed by one value column`,
    )
  }
  // The share of b's rows that a counts: one pass instead of two joined (share.ts).
  const share = shareOf(a, b)
  if (share) return aggregateResult(share)
  const { keys } = numerator
  const quotient = hub.db
    .selectFrom(a.as('numerator'))
    .fullJoin(b.as('denominator'), (join) =>
      keys.length === 0
        ? join.onTrue()
        : keys.reduce((on, key) => on.onRef(`numerator.${key}`, '=', `denominator.${key}`), join),
    )
    .select((eb) => [
      ...keys.map((key) => eb.fn.coalesce(eb.ref(`numerator.${key}`), eb.ref(`denominator.${key}`)).as(key)),
      // `* 1.0` makes the division non-integer on every engine without naming a float type.
      sql<
        number | null
      >`(${eb.ref(`numerator.${numerator.value}`)} * 1.0) / nullif(${eb.ref(`denominator.${denominator.value}`)}, 0)`.as(
        numerator.value,
      ),
    ])
  return aggregateResult(typedResult(hub, quotient, { [numerator.value]: 'number' }))
}
