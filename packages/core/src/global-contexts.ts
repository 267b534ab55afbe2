import type { Expression, RawBuilder } from 'kysely'
import type { Engine } from './engine.ts'
import { JsonArrayExpression } from './json-array.ts'
import { assertText } from './json-match.ts'

/** One Objectiv global context, e.g. `{ _type: 'ApplicationContext', id: 'website' }`. */
export interface GlobalContext {
  readonly _type?: string
  readonly id: string
  readonly [key: string]: unknown
}

/**
 * Operators on a JSON array of global contexts: a global-context column of the events (all
 * contexts of one type) or a raw `global_contexts` array.
 *
 * @example globalContexts(eb.ref('application'), postgres).get('id') // the application id
 */
export class GlobalContexts extends JsonArrayExpression<GlobalContext> {
  protected derive(expression: Expression<unknown>): this {
    return new GlobalContexts(expression, this.engine) as this
  }

  /** Field `key` (as text) of the first context; NULL when there is none. */
  get(key: string): RawBuilder<string | null> {
    assertText('context field name', key)
    return this.engine.jsonFieldText(this.at(0), key)
  }

  /** The contexts whose `_type` is `type` (e.g. 'IdentityContext'), in order. */
  ofType(type: string): this {
    return this.filter({ _type: type })
  }
}

/** Wraps a JSON array of global contexts with its operators. */
export function globalContexts(
  expression: Expression<readonly GlobalContext[] | null>,
  engine: Engine,
): GlobalContexts {
  return new GlobalContexts(expression, engine)
}
