import { type Engine, globalContexts } from '@kysely-modelhub/core'
import type { EventValue } from './conversion-flags.ts'
import { EVENT_VALUE } from './session-keys.ts'

/** The event type topProductFeatures counts unless told otherwise. */
export const DEFAULT_FEATURE_EVENT_TYPE = 'InteractiveEvent'

/** Whether the event's types include `type`: the events whose features are counted. */
export const holdsEventType =
  (engine: Engine, type: string): EventValue<boolean> =>
  (eb) =>
    engine.jsonIncludesString(eb.ref('stack_event_types'), type)

/** The id of the event's first application context: the application a feature is counted in. */
export const applicationId =
  (engine: Engine): EventValue<string | null> =>
  (eb) =>
    globalContexts(eb.ref('application'), engine).get('id')

/**
 * What the product-feature models read of each event, computed as the events are extracted
 * (conversion-flags.ts): a model that sorts the events first (topProductFeaturesBeforeConversion,
 * by session) then carries a boolean and a short text through the sort instead of two JSON arrays.
 * Only the default event type has a value; the application only with the `application` context.
 */
export function featureValues(engine: Engine, contexts: readonly string[]): Record<string, EventValue> {
  return {
    [`${EVENT_VALUE}feature_type`]: holdsEventType(engine, DEFAULT_FEATURE_EVENT_TYPE),
    ...(contexts.includes('application') ? { [`${EVENT_VALUE}application_id`]: applicationId(engine) } : {}),
  }
}
