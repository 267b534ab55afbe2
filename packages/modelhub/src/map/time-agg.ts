import { parseTimeFormat } from '@kysely-modelhub/core'
import type { Expression } from 'kysely'
import type { AnyExpressionBuilder } from '../hub/any-query.ts'
import type { HubContext } from '../hub/hub-context.ts'
import { localTime } from '../hub/time-zone.ts'

/** The time bucket of an event's moment in the hub's zone: the hub's format, or the one given. */
export function timeBucket(hub: HubContext, eb: AnyExpressionBuilder, timeAggregation?: string): Expression<string> {
  return hub.engine.timeFormat(
    localTime(hub, eb.ref('moment')),
    parseTimeFormat(timeAggregation ?? hub.timeAggregation),
  )
}
