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

const FRAME_KINDS: readonly string[] = ['rows', 'range', 'groups']
/** Bounds in the order SQL requires: a frame may not start at a later kind than it ends. */
const NAMED_BOUNDS: Readonly<Record<string, number>> = {
  'unbounded preceding': 0,
  'current row': 2,
  'unbounded following': 4,
}
const OFFSET_RANK = { preceding: 1, following: 3 } as const

/** A bound checked: its SQL, its kind's rank and, among bounds of one kind, where it lies. */
interface CheckedBound {
  readonly sql: string
  readonly rank: number
  readonly position: number
}

function frameSql(frame: WindowFrame): RawBuilder<unknown> {
  if (!FRAME_KINDS.includes(frame.kind))
    invalid('window frame kind', frame.kind, 'expected "rows", "range" or "groups"')
  const end = frame.end ?? 'current row'
  if (frame.start === 'unbounded following') {
    invalid('window frame start', frame.start, 'a frame cannot start at "unbounded following"')
  }
  if (end === 'unbounded preceding') invalid('window frame end', end, 'a frame cannot end at "unbounded preceding"')
  const [start, stop] = [checkBound('start', frame.start), checkBound('end', end)]
  if (start.rank > stop.rank || (start.rank === stop.rank && start.position > stop.position))
    invalid('window frame', frame, 'the start must not come after the end')
  return sql.raw(`${frame.kind} between ${start.sql} and ${stop.sql}`)
}

function checkBound(which: string, bound: FrameBound): CheckedBound {
  if (typeof bound === 'string' && Object.hasOwn(NAMED_BOUNDS, bound)) {
    return { sql: bound, rank: NAMED_BOUNDS[bound] as number, position: 0 }
  }
  const isObject = typeof bound === 'object' && bound !== null
  const direction =
    isObject && 'preceding' in bound ? 'preceding' : isObject && 'following' in bound ? 'following' : undefined
  if (!direction) {
    return invalid(
      `window frame ${which}`,
      bound,
      'expected "unbounded preceding", "current row", "unbounded following", { preceding: n } or { following: n }',
    )
  }
  const offset = (bound as Record<string, unknown>)[direction]
  // Validated to a non-negative integer, so printing it is safe (engines want a literal here).
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
    invalid(`window frame ${direction} offset`, offset, 'expected a non-negative integer')
  }
  const position = direction === 'preceding' ? -(offset as number) : (offset as number)
  return { sql: `${offset} ${direction}`, rank: OFFSET_RANK[direction], position }
}
