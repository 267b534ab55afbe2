import { checkTimeZone } from '@kysely-modelhub/core'
import type { Expression, RawBuilder } from 'kysely'
import type { HubContext } from './hub-context.ts'

/**
 * The hub reading time in a per-call zone (checked: a ModelHubInputError names a bad one), or the
 * hub itself when the call gives none.
 */
export function inTimeZone(hub: HubContext, timeZone: unknown, what = 'timeZone'): HubContext {
  return timeZone === undefined ? hub : { ...hub, timeZone: checkTimeZone(what, timeZone) }
}

/** An instant as its wall-clock time in the hub's zone, for calendar buckets (engine.localTime). */
export function localTime(hub: HubContext, instant: Expression<unknown>): RawBuilder<Date> {
  return hub.engine.localTime(instant, hub.timeZone)
}
