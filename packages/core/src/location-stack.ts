import type { Expression, RawBuilder } from 'kysely'
import type { Engine } from './engine.ts'
import { JsonArrayExpression } from './json-array.ts'
import { assertText } from './json-match.ts'

/** One element of an Objectiv location stack, e.g. `{ _type: 'LinkContext', id: 'docs' }`. */
export interface LocationContext {
  readonly _type: string
  readonly id: string
  readonly _types?: readonly string[]
  readonly [key: string]: unknown
}

/** A location context reduced to what identifies a feature. */
export interface FeatureContext {
  readonly _type: string
  readonly id: string
}

/**
 * Operators on a location stack (a JSON array of location contexts). Each returns a Kysely
 * expression usable in select, where, groupBy and orderBy.
 *
 * @example
 * q.where((eb) => locationStack(eb.ref('location_stack'), postgres).contains({ id: 'main' }))
 */
export class LocationStack<C extends FeatureContext = LocationContext> extends JsonArrayExpression<C> {
  protected derive(expression: Expression<unknown>): this {
    return new LocationStack<C>(expression, this.engine) as this
  }

  /** `'Link: docs located at Web Document: #document => Section: main'`; NULL for an empty stack. */
  niceName(): RawBuilder<string | null> {
    return this.engine.niceName(this)
  }

  /** The same stack with each context reduced to `_type` and `id`. */
  featureStack(): LocationStack<FeatureContext> {
    return new LocationStack<FeatureContext>(this.engine.jsonPick(this, ['_type', 'id']), this.engine)
  }

  /** The stack from its first NavigationContext to the end; `[]` without one. */
  navigationFeatures(): this {
    return this.from({ _type: 'NavigationContext' })
  }

  /** Field `key` (as text) of the first context of type `type`, e.g. `get('RootLocationContext', 'id')`. */
  get(type: string, key: string): RawBuilder<string | null> {
    assertText('context field name', key)
    return this.engine.jsonFieldText(this.engine.jsonElement(this.filter({ _type: type }), 0), key)
  }
}

/** Wraps a JSON location-stack expression (e.g. `eb.ref('location_stack')`) with its operators. */
export function locationStack(
  expression: Expression<readonly LocationContext[] | null>,
  engine: Engine,
): LocationStack<LocationContext> {
  return new LocationStack<LocationContext>(expression, engine)
}
