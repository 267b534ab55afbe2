import { invalid, type LocationContext, LocationStack, locationStack } from '@kysely-modelhub/core'
import type { Expression, RawBuilder, SqlBool } from 'kysely'
import type { AnyExpressionBuilder, AnyQuery } from '../hub/any-query.ts'
import type { HubContext } from '../hub/hub-context.ts'

/** The columns of rows `O` that hold text (possibly NULL). */
export type TextColumnOf<O> = { [K in keyof O & string]: O[K] extends string | null ? K : never }[keyof O & string]

/**
 * Where a model reads an event's location (feature) name from:
 * - omitted: the nice name of the whole `location_stack`;
 * - a function of the stack returning a part of it, e.g. `(ls) => ls.from({ _type: 'LinkContext' })`:
 *   the nice name of that part (NULL, so left out, where the part is empty);
 * - a function returning a text expression, e.g. `(ls) => ls.get('LinkContext', 'id')`: that text;
 * - the name of a text column of the query (Objectiv's `location_stack='link_id'`): its value.
 */
/** A part of a location stack, e.g. `ls.from({ _type: 'LinkContext' })`. */
// biome-ignore lint/suspicious/noExplicitAny: the part holds contexts of any type (ls.from narrows them)
type StackPart = LocationStack<any>

export type LocationOption<O> =
  | ((ls: LocationStack<LocationContext>) => StackPart | Expression<string | null>)
  | TextColumnOf<O>

/** The location name expression an option stands for, over the query's `events` rows. */
export function locationName(
  hub: HubContext,
  eb: AnyExpressionBuilder,
  // biome-ignore lint/suspicious/noExplicitAny: an option for rows of any columns; the public method checked it against q
  option: LocationOption<any> | undefined,
): Expression<string | null> {
  const located = locatedBy(hub, eb, option)
  return located instanceof LocationStack ? located.niceName() : located
}

/**
 * Whether an event has a location (its name is not NULL), without building the name where the
 * option is a part of the stack: a nice name is NULL exactly when its part is empty.
 */
export function hasLocation(
  hub: HubContext,
  eb: AnyExpressionBuilder,
  // biome-ignore lint/suspicious/noExplicitAny: an option for rows of any columns; the public method checked it against q
  option: LocationOption<any> | undefined,
): Expression<SqlBool> {
  const located = locatedBy(hub, eb, option)
  return located instanceof LocationStack ? located.isNotEmpty() : eb(located, 'is not', null)
}

/** The part of the stack, or the text expression, an option names. */
export function locatedBy(
  hub: HubContext,
  eb: AnyExpressionBuilder,
  // biome-ignore lint/suspicious/noExplicitAny: an option for rows of any columns; the public method checked it against q
  option: LocationOption<any> | undefined,
): StackPart | Expression<string | null> {
  if (option === undefined) return locationStack(eb.ref('location_stack'), hub.engine)
  if (typeof option === 'string' && option.length > 0) return eb.ref(option)
  if (typeof option === 'function') {
    const located = option(locationStack(eb.ref('location_stack'), hub.engine))
    if (located instanceof LocationStack || isExpression(located)) return located
    return invalid(
      'locationStack',
      located,
      'the function must return a part of the stack (e.g. ls.from({ _type: "LinkContext" })) or a text expression',
    )
  }
  return invalid(
    'locationStack',
    option,
    'expected a function such as (ls) => ls.from({ _type: "LinkContext" }), or the name of a text column',
  )
}

function isExpression(value: unknown): value is Expression<string | null> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { toOperationNode?: unknown }).toOperationNode === 'function'
  )
}

/**
 * The rows of `q` with their location's name as `__location`, computed once per event in its own
 * subquery so the models that filter and window on it do not compute it again.
 */
export function withLocation(
  hub: HubContext,
  q: AnyQuery,
  // biome-ignore lint/suspicious/noExplicitAny: an option for rows of any columns; the public method checked it against q
  option: LocationOption<any> | undefined,
): AnyQuery {
  return hub.db
    .selectFrom(q.as('events'))
    .selectAll('events')
    .select((eb) => eb.parens(locationName(hub, eb, option)).as('__location'))
}

/**
 * The nice name of a stack part kept as its JSON text (`engine.jsonText`): models group parts by
 * their text, then name each distinct part once.
 */
export function niceNameOfPartText(hub: HubContext, text: Expression<unknown>): RawBuilder<string | null> {
  return locationStack(hub.engine.parseJson(text) as Expression<readonly LocationContext[]>, hub.engine).niceName()
}
