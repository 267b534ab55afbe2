import { invalid, parseTimeFormat } from '@kysely-modelhub/core'
import type { Expression } from 'kysely'
import type { AnyExpressionBuilder } from '../hub/any-query.ts'
import type { HubContext } from '../hub/hub-context.ts'
import { inTimeZone, localTime } from '../hub/time-zone.ts'
import { periodOfFormat, timeBucket } from '../map/time-agg.ts'

/**
 * One grouping key: a column of the rows, or a time bucket of `moment` in its own format (and
 * optionally its own IANA time zone; the hub's by default).
 */
export type GroupByItem<O> = (keyof O & string) | { readonly timeAggregation: string; readonly timeZone?: string }

/**
 * How an aggregation model groups: omitted → the hub's time bucket (`time_aggregation`);
 * `null` → one row; a column, a `{ timeAggregation }` bucket, or an array of them.
 */
export type GroupBy<O> = GroupByItem<O> | readonly GroupByItem<O>[] | null | undefined

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never
type KeyColumn<O, I> = I extends keyof O & string
  ? { [K in I]: O[K] }
  : I extends { readonly timeAggregation: string }
    ? { time_aggregation: string }
    : never

/** The key columns a grouping gives each result row. */
export type GroupKeys<O, G> = [G] extends [undefined]
  ? { time_aggregation: string }
  : [G] extends [null]
    ? {}
    : G extends readonly (infer I)[]
      ? UnionToIntersection<KeyColumn<O, I>> & {}
      : KeyColumn<O, G>

/** A resolved grouping key: its output name and the expression it groups on. */
export interface GroupKey {
  readonly name: string
  readonly expression: Expression<unknown>
  /**
   * The key's value in the result, from the grouped value, when the rows group on something
   * cheaper than the value: a time bucket naming whole periods groups on the period's key
   * (engine.periodKey) and is formatted once per group, not once per row. Absent: the grouped
   * value itself.
   */
  readonly label?: (grouped: Expression<unknown>) => Expression<unknown>
}

/** Options of groupKeys. */
export interface GroupKeysOptions {
  /** The caller applies each key's `label` to its grouped value; without it keys come labelled. */
  readonly labelsLate?: boolean
}

/**
 * Turns a groupBy option into key expressions. Grouping on a column the model aggregates
 * (`user_id` for unique users) would make every count 1, so it is an error.
 */
export function groupKeys(
  hub: HubContext,
  eb: AnyExpressionBuilder,
  groupBy: GroupBy<Record<string, unknown>>,
  aggregated: readonly string[],
  { labelsLate = false }: GroupKeysOptions = {},
): GroupKey[] {
  if (groupBy === null) return []
  const items =
    groupBy === undefined ? [{ timeAggregation: hub.timeAggregation }] : Array.isArray(groupBy) ? groupBy : [groupBy]
  const keys = items.map((item: unknown): GroupKey => {
    if (typeof item === 'string' && item.length > 0) {
      if (aggregated.includes(item)) {
        invalid('groupBy', item, `"${item}" is in groupBy but is needed for aggregation: not allowed to group on that`)
      }
      return { name: item, expression: eb.ref(item) }
    }
    if (
      item &&
      typeof item === 'object' &&
      typeof (item as { timeAggregation?: unknown }).timeAggregation === 'string'
    ) {
      const { timeAggregation: format, timeZone } = item as { timeAggregation: string; timeZone?: unknown }
      parseTimeFormat(format)
      const zoned = inTimeZone(hub, timeZone, 'groupBy timeZone')
      const unit = labelsLate ? periodOfFormat(format) : undefined
      if (!unit) return { name: 'time_aggregation', expression: timeBucket(zoned, eb, format) }
      return {
        name: 'time_aggregation',
        expression: hub.engine.periodKey(localTime(zoned, eb.ref('moment')), unit),
        label: (period) => hub.engine.timeFormat(period, parseTimeFormat(format)),
      }
    }
    return invalid(
      'groupBy',
      item,
      'expected a column name, { timeAggregation: "%Y-%m" } (optionally with timeZone: "Europe/Amsterdam"), an array of them, or null',
    )
  })
  const names = keys.map((k) => k.name)
  const repeated = names.find((name, i) => names.indexOf(name) !== i)
  if (repeated) invalid('groupBy', groupBy, `the key "${repeated}" appears twice`)
  return keys
}

/** The columns a groupBy option names (not its time buckets): a model returns them as they are. */
export function groupByColumns(groupBy: GroupBy<Record<string, unknown>>): string[] {
  const items = groupBy === null || groupBy === undefined ? [] : Array.isArray(groupBy) ? groupBy : [groupBy]
  return items.filter((item): item is string => typeof item === 'string')
}
