import type { Engine } from '@kysely-modelhub/core'
import type { Expression, RawBuilder } from 'kysely'
import type { AnyQuery } from '../hub/any-query.ts'
import type { HubContext } from '../hub/hub-context.ts'
import { requireColumnsOf } from './columns-of.ts'

/** The declared JS type of a result column that SQL alone would not give through every driver. */
export type OutputType = 'number' | 'day' | 'instant' | 'text'

/** A column's value in the SQL type every driver of the engine reads as `type` (engine.ts, "Result columns"). */
export function output(engine: Engine, type: OutputType, value: Expression<unknown>): RawBuilder<unknown> {
  switch (type) {
    case 'number':
      return engine.outputNumber(value)
    case 'day':
      return engine.outputDay(value)
    case 'instant':
      return engine.outputInstant(value)
    case 'text':
      return engine.outputText(value)
  }
}

/**
 * A model's result as it leaves the model: `select <the columns of q, those in types converted by
 * the engine> from (q) as result`. The one place a model gives its result columns their declared
 * types, so the values are right on a Kysely with any type parsers; keys and sorts inside `q`
 * keep their own types. Sort the returned query (an ORDER BY inside `q` would not hold).
 *
 * Shape: select result.k, cast(result.v) as v, … from (<q>) as result
 */
export function typedResult(
  hub: HubContext,
  q: AnyQuery,
  types: Readonly<Record<string, OutputType>>,
  columns: readonly string[] = requireColumnsOf(q, 'a model result'),
): AnyQuery {
  return hub.db.selectFrom(q.as('result')).select((eb) =>
    columns.map((column) => {
      const ref = eb.ref(`result.${column}`)
      const type = Object.hasOwn(types, column) ? types[column] : undefined
      return type ? output(hub.engine, type, ref).as(column) : ref.as(column)
    }),
  )
}
