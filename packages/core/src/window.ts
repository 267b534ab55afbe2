import type { Expression, ExpressionBuilder, RawBuilder, StringReference } from 'kysely'
import { sql } from 'kysely'
import { invalid } from './errors.ts'

/** A frame boundary. Offsets are whole rows (ROWS, GROUPS) or values of the single order key (RANGE). */
export type FrameBound =
  | 'unbounded preceding'
  | 'current row'
  | 'unbounded following'
  | { readonly preceding: number }
  | { readonly following: number }

/** `ROWS | RANGE | GROUPS BETWEEN start AND end`; `end` defaults to the current row. */
export interface WindowFrame {
  readonly kind: 'rows' | 'range' | 'groups'
  readonly start: FrameBound
  readonly end?: FrameBound
}

type Reference<DB, TB extends keyof DB> = StringReference<DB, TB> | Expression<unknown>

/** An ORDER BY item of a window: a column or expression, optionally with a direction. */
export type WindowOrder<DB, TB extends keyof DB> =
  | Reference<DB, TB>
  | { readonly by: Reference<DB, TB>; readonly direction?: 'asc' | 'desc'; readonly nulls?: 'first' | 'last' }

export interface WindowSpec<DB, TB extends keyof DB> {
  readonly partitionBy?: readonly Reference<DB, TB>[]
  readonly orderBy?: readonly WindowOrder<DB, TB>[]
  readonly frame?: WindowFrame
}

/**
 * A window function call with the full OVER clause, frames included (Kysely's `over()` has no
 * frames). Columns are checked against the query's tables at compile time.
 *
 * @example
 * windowed(eb, sql<number>`count(${eb.ref('is_start')})`, {
 *   orderBy: ['user_id', 'moment'],
 *   frame: { kind: 'rows', start: 'unbounded preceding' },
 * })
 * // count("is_start") over (order by "user_id", "moment" rows between unbounded preceding and current row)
 */
export function windowed<DB, TB extends keyof DB, T>(
  eb: ExpressionBuilder<DB, TB>,
  call: Expression<T>,
  spec: WindowSpec<DB, TB>,
): RawBuilder<T> {
  const ref = (r: Reference<DB, TB>): Expression<unknown> => (typeof r === 'string' ? eb.ref(r) : r)
  const clauses: RawBuilder<unknown>[] = []
  if (spec.partitionBy?.length) clauses.push(sql`partition by ${sql.join(spec.partitionBy.map(ref))}`)
  if (spec.orderBy?.length) {
    const items = spec.orderBy.map((item) => {
      if (typeof item === 'string' || !('by' in item)) return ref(item)
      const direction = item.direction === 'desc' ? sql` desc` : sql``
      const nulls = item.nulls ? sql.raw(` nulls ${item.nulls === 'first' ? 'first' : 'last'}`) : sql``
      return sql`${ref(item.by)}${direction}${nulls}`
    })
    clauses.push(sql`order by ${sql.join(items)}`)
  }
  if (spec.frame) clauses.push(frameSql(spec.frame))
  return sql<T>`${call} over (${sql.join(clauses, sql` `)})`
}

const BOUND_ORDER = { 'unbounded preceding': 0, preceding: 1, 'current row': 2, following: 3, 'unbounded following': 4 }

function frameSql(frame: WindowFrame): RawBuilder<unknown> {
  const kinds = { rows: 'rows', range: 'range', groups: 'groups' } as const
  const kind = kinds[frame.kind]
  if (!kind) invalid('window frame kind', frame.kind, 'expected "rows", "range" or "groups"')
  const end = frame.end ?? 'current row'
  if (frame.start === 'unbounded following')
    invalid('window frame start', frame.start, 'a frame cannot start at "unbounded following"')
  if (end === 'unbounded preceding') invalid('window frame end', end, 'a frame cannot end at "unbounded preceding"')
  if (rank(frame.start) > rank(end)) invalid('window frame', frame, 'the start must not come after the end')
  return sql.raw(`${kind} between ${boundSql(frame.start)} and ${boundSql(end)}`)
}

function rank(bound: FrameBound): number {
  if (typeof bound === 'string') return BOUND_ORDER[bound]
  return 'preceding' in bound ? BOUND_ORDER.preceding : BOUND_ORDER.following
}

function boundSql(bound: FrameBound): string {
  if (bound === 'unbounded preceding' || bound === 'current row' || bound === 'unbounded following') return bound
  const [direction, offset] = 'preceding' in bound ? ['preceding', bound.preceding] : ['following', bound.following]
  // Validated to a non-negative integer, so printing it is safe (engines want a literal here).
  if (!Number.isSafeInteger(offset) || offset < 0)
    invalid(`window frame ${direction} offset`, offset, 'expected a non-negative integer')
  return `${offset} ${direction}`
}
