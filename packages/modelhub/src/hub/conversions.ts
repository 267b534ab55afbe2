import {
  assertText,
  type Engine,
  invalid,
  type LocationContext,
  LocationStack,
  locationStack,
} from '@kysely-modelhub/core'
import { type Expression, isExpression, type RawBuilder, sql } from 'kysely'
import type { AnyExpressionBuilder } from './any-query.ts'

/**
 * A conversion: events at a place in the product (a location-stack condition), of a type, or
 * both. The location condition is a slice (the event converts when it is not empty) or a test.
 *
 * @example const presses: ConversionEventDefinition = { name: 'quickstart_presses', eventType: 'PressEvent',
 *   locationStack: (ls) => ls.from({ id: 'Quickstart Guide', _type: 'LinkContext' }) }
 */
export interface ConversionEventDefinition<N extends string = string> {
  readonly name: N
  // biome-ignore lint/suspicious/noExplicitAny: a part of the stack holds contexts of any type (ls.from narrows them)
  readonly locationStack?: (ls: LocationStack<LocationContext>) => LocationStack<any> | Expression<boolean>
  readonly eventType?: string
}

/** A stored conversion: a predicate on the event columns, applied to whatever query it meets. */
export interface ConversionEvent {
  readonly name: string
  isConversion(eb: AnyExpressionBuilder): RawBuilder<boolean>
  /**
   * Whether the predicate reads only `event_type` and `location_stack` through the library (an
   * event type, a location-stack slice): then the pipeline may test it where it extracts those
   * columns (pipeline/conversion-flags.ts). A custom expression may read anything, so it is not.
   */
  readonly readsEventOnly: boolean
}

export function defineConversion(definition: ConversionEventDefinition, engine: Engine): ConversionEvent {
  const { name, locationStack: where, eventType } = definition
  if (typeof name !== 'string' || name.length === 0) invalid('conversion name', name, 'expected a non-empty string')
  if (where === undefined && eventType === undefined) {
    invalid('conversion event', name, 'give at least one of locationStack and eventType')
  }
  if (where !== undefined && typeof where !== 'function') {
    invalid(`conversion "${name}" locationStack`, where, 'expected a function such as (ls) => ls.from({ id: "x" })')
  }
  if (eventType !== undefined && (typeof eventType !== 'string' || eventType.length === 0)) {
    invalid(`conversion "${name}" eventType`, eventType, 'expected an event type such as "PressEvent"')
  }
  if (eventType !== undefined) assertText(`conversion "${name}" eventType`, eventType)
  // Called once here to check what it gives; each query calls it again on its own column.
  const condition = where?.(locationStack(sql.ref('location_stack'), engine))
  if (where !== undefined && !(condition instanceof LocationStack) && !isExpression(condition)) {
    invalid(
      `conversion "${name}" locationStack`,
      condition,
      'expected the function to return a part of the stack, such as ls.from({ id: "x" }), or a boolean expression',
    )
  }
  return {
    name,
    readsEventOnly: condition === undefined || condition instanceof LocationStack,
    isConversion(eb) {
      // The event type first: it is cheap, and most events fail it before the stack is read.
      const tests: Expression<boolean>[] = []
      if (eventType !== undefined) tests.push(sql<boolean>`${eb.ref('event_type')} = ${eventType}`)
      if (where) {
        const condition = where(locationStack(eb.ref('location_stack'), engine))
        tests.push(condition instanceof LocationStack ? condition.isNotEmpty() : condition)
      }
      return sql<boolean>`coalesce(${sql.join(tests, sql` and `)}, false)`
    },
  }
}

/** The conversion of that name, or an error listing the names the hub knows. */
export function conversionNamed(conversions: ReadonlyMap<string, ConversionEvent>, name: string): ConversionEvent {
  const conversion = conversions.get(name)
  if (conversion) return conversion
  const known = [...conversions.keys()]
  return invalid(
    'conversion name',
    name,
    known.length
      ? `it is not labeled as a conversion; known conversions: ${known.map((k) => `"${k}"`).join(', ')}`
      : 'it is not labeled as a conversion; add one with hub.addConversionEvent({ name, locationStack, eventType })',
  )
}
