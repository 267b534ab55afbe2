import { type CalendarUnit, parseTimeFormat } from '@kysely-modelhub/core'
import type { Expression } from 'kysely'
import type { AnyExpressionBuilder } from '../hub/any-query.ts'
import type { HubContext } from '../hub/hub-context.ts'
import { localTime } from '../hub/time-zone.ts'

/**
 * The time bucket of an event's moment in the hub's zone: the hub's format, or the one given.
 * `moment` names the column holding it (the stored one, STORED.moment, is the same instant).
 */
export function timeBucket(
  hub: HubContext,
  eb: AnyExpressionBuilder,
  timeAggregation?: string,
  moment = 'moment',
): Expression<string> {
  return hub.engine.timeFormat(localTime(hub, eb.ref(moment)), parseTimeFormat(timeAggregation ?? hub.timeAggregation))
}

const PERIOD_CODES: readonly (readonly string[])[] = [['Y'], ['Y', 'm'], ['Y', 'm', 'd']]
const PERIOD_UNITS: readonly CalendarUnit[] = ['year', 'month', 'day']

/**
 * The calendar unit whose periods a bucket format names one to one: its codes, in any order, are
 * %Y; %Y and %m; or %Y, %m and %d (%F is %Y-%m-%d). Then a moment's bucket is the format of its
 * period's start, and two periods never share a bucket.
 */
export function periodOfFormat(format: string): CalendarUnit | undefined {
  const codes = parseTimeFormat(format).parts.flatMap((part) =>
    'code' in part ? (part.code === 'F' ? ['Y', 'm', 'd'] : [part.code]) : [],
  )
  const index = PERIOD_CODES.findIndex((c) => c.length === codes.length && c.every((code) => codes.includes(code)))
  return index < 0 ? undefined : PERIOD_UNITS[index]
}

/**
 * The calendar unit of a bucket format whose buckets are whole years, months or days
 * (periodOfFormat) in UTC: then they follow time order. Not in other zones: where a DST change
 * crosses midnight (e.g. America/Havana), a local day can come back for an hour.
 */
export function chronologicalPeriod(timeZone: unknown, format: string): CalendarUnit | undefined {
  return timeZone === 'UTC' ? periodOfFormat(format) : undefined
}
