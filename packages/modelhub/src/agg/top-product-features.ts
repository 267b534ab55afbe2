import { type GlobalContext, invalid, LocationStack } from '@kysely-modelhub/core'
import { type Expression, expressionBuilder, type SqlBool } from 'kysely'
import type { AnyQuery, EventsExpressionBuilder } from '../hub/any-query.ts'
import type { HubContext } from '../hub/hub-context.ts'
import type { EventsLike } from '../map/add-column.ts'
import { carriedValue, type EventValue } from '../pipeline/conversion-flags.ts'
import { applicationId, DEFAULT_FEATURE_EVENT_TYPE, holdsEventType } from '../pipeline/feature-values.ts'
import type { ObjectivEvent } from '../pipeline/objectiv-event.ts'
import { storedEvents } from '../pipeline/session-keys.ts'
import { columnsOf } from '../results/columns-of.ts'
import { type AggregateQuery, aggregateResult, countDistinct } from './aggregate-query.ts'
import { countStackParts, STACK_PART } from './count-stack-parts.ts'
import { type LocationOption, locatedBy } from './location-option.ts'

/** A query over events with these columns and the `application` global-context column. */
export type WithApplication<K extends keyof ObjectivEvent> = EventsLike<
  Pick<ObjectivEvent, K> & { application: readonly GlobalContext[] }
>

export interface TopProductFeaturesOptions<O> {
  /** Where the feature name comes from (default: the nice name of the whole location stack). */
  readonly locationStack?: LocationOption<O>
  /** Count only events whose `stack_event_types` hold this type (default 'InteractiveEvent'). */
  readonly eventType?: string
}

/** The keys a feature is counted by. */
export interface ProductFeature {
  /** The id of the event's first ApplicationContext. */
  application: string
  feature_nice_name: string
  event_type: string
}

export type TopProductFeaturesRow = ProductFeature & { user_id_nunique: number }

/**
 * The feature rows of a model. Where the feature is a stack part's nice name, the rows hold the
 * part itself (`STACK_PART`) instead of the name, and countFeatures names each distinct part once.
 */
export interface FeatureEvents {
  readonly rows: AnyQuery
  readonly stackParts: boolean
}

/** The key columns of a feature, in the order results are sorted by after the count. */
export const FEATURE_KEYS = ['application', 'feature_nice_name', 'event_type'] as const

/**
 * The features used most, by distinct users: per application, feature (the location's nice
 * name) and event type, for events whose type stack holds `eventType`. Rows with a NULL key
 * (no application, an empty location) are left out. Sorted by the count, largest first, then
 * by application, feature and event type in code-point order, so equal counts come in the same
 * order on every engine and database locale.
 *
 * Shape: select * from (<distinct users per application, feature and event type: count-stack-parts.ts
 *        for a stack part's nice name, else countDistinct>) as result where <keys not null>
 *        order by user_id_nunique desc, application, feature_nice_name, event_type
 *
 * @example hub.agg.topProductFeatures(hub.events(), { locationStack: (ls) => ls.from({ _type: 'LinkContext' }) })
 */
export function topProductFeatures(
  hub: HubContext,
  q: AnyQuery,
  // biome-ignore lint/suspicious/noExplicitAny: options for rows of any columns; the public method checked them against q
  options: TopProductFeaturesOptions<any>,
): AggregateQuery<TopProductFeaturesRow> {
  return countFeatures<TopProductFeaturesRow>(
    hub,
    featureEvents(hub, q, options, 'topProductFeatures'),
    'user_id_nunique',
  )
}

/**
 * The rows of `q` whose type stack holds the event type (and meet `where`, on `events.<column>`),
 * reduced to the feature keys and the user. The type test and the application's id are read from
 * the pipeline's event values (feature-values.ts) where `q` carries those of `carrier`, the query
 * it was built over: a model that sorts the events before this then sorts the values, not JSON.
 */
export function featureEvents(
  hub: HubContext,
  q: AnyQuery,
  // biome-ignore lint/suspicious/noExplicitAny: options for rows of any columns; the public method checked them against q
  options: TopProductFeaturesOptions<any>,
  model: string,
  where?: (eb: EventsExpressionBuilder) => Expression<SqlBool>,
  carrier?: AnyQuery,
): FeatureEvents {
  const eventType = options.eventType ?? DEFAULT_FEATURE_EVENT_TYPE
  if (typeof eventType !== 'string' || eventType.length === 0) {
    invalid('eventType', eventType, 'expected an event type such as "InteractiveEvent" or "PressEvent"')
  }
  requireApplication(q, model)
  // Resolved once: the option may be a user function, and its expression reads the events' columns.
  const located = locatedBy(hub, expressionBuilder(), options.locationStack)
  const stackParts = located instanceof LocationStack
  // Users as stored: only counted, never returned, and grouped without a cast to text per event.
  // The moment stays typed: a model's `where` compares it with moments of the typed column.
  const read = <T>(value: EventValue<T>) => (carrier ? carriedValue(carrier, value) : value)
  const holdsType = read(holdsEventType(hub.engine, eventType))
  const application = read(applicationId(hub.engine))
  const rows = hub.db
    .selectFrom(storedEvents(hub.db, q, ['moment']).as('events'))
    // The model's test first: over a session's window columns it drops most rows before the type is read.
    .where((eb) => (where ? eb.and([where(eb), holdsType(eb)]) : holdsType(eb)))
    .select((eb: EventsExpressionBuilder) => [
      application(eb).as('application'),
      eb.parens<unknown>(located).as(stackParts ? STACK_PART : 'feature_nice_name'),
      eb.ref('events.event_type').as('event_type'),
      eb.ref('events.user_id').as('user_id'),
    ])
  return { rows, stackParts }
}

/** An error naming the model when `q` is known to lack the `application` column. */
export function requireApplication(q: AnyQuery, model: string): void {
  const columns = columnsOf(q)
  if (columns && !columns.includes('application')) {
    invalid(
      `${model} input columns`,
      columns,
      'an "application" column is needed: open the hub with { globalContexts: ["application"] }',
    )
  }
}

/**
 * Distinct users per feature, largest count first, then by the keys (code-point order). Groups
 * with a NULL key are dropped after counting (Objectiv's dropna): a filter on the events would
 * make the database compute the feature name twice per event, once to filter and once to group.
 */
export function countFeatures<R>(hub: HubContext, features: FeatureEvents, value: string): AggregateQuery<R> {
  const grouped = features.stackParts
    ? countStackParts(hub, features.rows, value)
    : countDistinct<Record<string, unknown>>(hub, features.rows, FEATURE_KEYS, ['user_id'], value)
  // Kept outside the grouping (computedOnce): pushed into it, Postgres would evaluate the name
  // again per group, from a location stack carried through the whole sort for that purpose.
  const counted = hub.db
    .selectFrom(hub.engine.computedOnce(grouped).as('result'))
    .selectAll('result')
    .where((eb) => eb.and(FEATURE_KEYS.map((key) => eb(key, 'is not', null))))
  return aggregateResult(
    FEATURE_KEYS.reduce(
      (sorted, key) => sorted.orderBy((eb) => hub.engine.codePointOrder(eb.ref(key))),
      counted.orderBy(value, 'desc'),
    ),
  )
}
