import { formatTimeJs, type JsonMatch, matchesJs, parseTimeFormat } from '@kysely-modelhub/core'

/**
 * The notebook's definitions in plain TypeScript over raw event rows: what the SQL models must
 * return on the same data. Deliberately naive (sorts and loops) so it is easy to trust.
 */
export interface RawEvent {
  event_id: string
  moment: Date
  user_id: string
  event_type: string
  location_stack: Record<string, unknown>[]
}

export interface RefEvent extends RawEvent {
  session_id: number
  session_hit_number: number
}

const chronological = (a: RawEvent, b: RawEvent) =>
  a.moment.getTime() - b.moment.getTime() || (a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0)

/** Objectiv's sessions: a gap over `gapSeconds` starts one; numbered by their first event. */
export function sessionize(events: RawEvent[], gapSeconds = 1800): RefEvent[] {
  const starts = new Map<RawEvent, boolean>()
  const byUser = groupBy(events, (e) => e.user_id)
  for (const userEvents of byUser.values()) {
    userEvents.sort(chronological)
    userEvents.forEach((e, i) => {
      const previous = userEvents[i - 1]
      starts.set(e, !previous || (e.moment.getTime() - previous.moment.getTime()) / 1000 > gapSeconds)
    })
  }
  const sessionOfStart = new Map<RawEvent, number>()
  ;[...events]
    .sort(chronological)
    .filter((e) => starts.get(e))
    .forEach((e, i) => {
      sessionOfStart.set(e, i + 1)
    })
  const result: RefEvent[] = []
  for (const userEvents of byUser.values()) {
    let session = 0
    let hit = 0
    for (const e of userEvents) {
      if (starts.get(e)) {
        session = sessionOfStart.get(e) as number
        hit = 0
      }
      hit++
      result.push({ ...e, session_id: session, session_hit_number: hit })
    }
  }
  return result.sort(chronological)
}

/**
 * An instant's wall-clock time in an IANA zone (Intl's tz database), as a Date holding that time read
 * as UTC: the reference's calendars then follow the zone, as `Engine.localTime` makes the SQL's do.
 */
export function localTime(moment: Date, timeZone: string): Date {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  })
  const part = Object.fromEntries(format.formatToParts(moment).map((p) => [p.type, Number(p.value)]))
  const { year, month, day, hour, minute, second } = part as Record<string, number>
  return new Date(Date.UTC(year!, month! - 1, day, hour, minute, second, moment.getUTCMilliseconds()))
}

export const bucket = (e: { moment: Date }, format: string): string => formatTimeJs(e.moment, parseTimeFormat(format))

/** TRUE for every hit in the bucket that holds the user's first session. */
export function isNewUser(events: RefEvent[], format: string): Map<string, boolean> {
  const firstSession = new Map<string, number>()
  for (const e of events) firstSession.set(e.user_id, Math.min(firstSession.get(e.user_id) ?? Infinity, e.session_id))
  const bucketsOfFirst = new Set(
    events.filter((e) => e.session_id === firstSession.get(e.user_id)).map((e) => `${e.user_id} ${bucket(e, format)}`),
  )
  return new Map(events.map((e) => [e.event_id, bucketsOfFirst.has(`${e.user_id} ${bucket(e, format)}`)]))
}

/** A conversion: the location stack has an element matching, and the event type is equal. */
export function isConversion(e: RawEvent, match: JsonMatch, eventType: string): boolean {
  return e.event_type === eventType && e.location_stack.some((c) => matchesJs(c, match))
}

/** Conversions so far in the session, events at the same moment sharing the count. */
export function conversionsInTime(events: RefEvent[], converts: (e: RefEvent) => boolean): Map<string, number> {
  const result = new Map<string, number>()
  for (const sessionEvents of groupBy(events, (e) => e.session_id).values()) {
    for (const e of sessionEvents) {
      const count = sessionEvents.filter((o) => o.moment.getTime() <= e.moment.getTime() && converts(o)).length
      result.set(e.event_id, count)
    }
  }
  return result
}

/** Distinct users per bucket, as sorted [bucket, count] pairs. */
export function uniqueUsers(events: RefEvent[], format: string): [string, number][] {
  const users = new Map<string, Set<string>>()
  for (const e of events) {
    const key = bucket(e, format)
    users.set(key, (users.get(key) ?? new Set()).add(e.user_id))
  }
  return [...users].map(([key, set]): [string, number] => [key, set.size]).sort(([a], [b]) => (a < b ? -1 : 1))
}

export function groupBy<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>()
  for (const item of items) {
    const group = groups.get(key(item))
    if (group) group.push(item)
    else groups.set(key(item), [item])
  }
  return groups
}

/** Mean (or total) session length in seconds per bucket of each session's first event, bounces excluded. */
export function sessionDuration(
  events: RefEvent[],
  format: string,
  method: 'mean' | 'sum' = 'mean',
): [string, number][] {
  const perBucket = new Map<string, number[]>()
  for (const hits of groupBy(events, (e) => e.session_id).values()) {
    const times = hits.map((e) => e.moment.getTime())
    const seconds = (Math.max(...times) - Math.min(...times)) / 1000
    if (seconds === 0) continue
    const first = hits.reduce((a, b) => (chronological(a, b) <= 0 ? a : b))
    const key = bucket(first, format)
    perBucket.set(key, [...(perBucket.get(key) ?? []), seconds])
  }
  return [...perBucket]
    .map(([key, values]): [string, number] => {
      const total = values.reduce((a, b) => a + b, 0)
      return [key, method === 'sum' ? total : total / values.length]
    })
    .sort(([a], [b]) => (a < b ? -1 : 1))
}

type Unit = 'day' | 'week' | 'month' | 'year'
const DAY_MS = 86_400_000
export const mondayOf = (d: Date): Date => {
  const midnight = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())
  return new Date(midnight - ((d.getUTCDay() + 6) % 7) * DAY_MS)
}

/** Whole calendar periods (UTC; weeks start on Monday) from `a` to `b`. */
export function calendarUnitsBetween(a: Date, b: Date, unit: Unit): number {
  if (unit === 'year') return b.getUTCFullYear() - a.getUTCFullYear()
  if (unit === 'month') return (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + b.getUTCMonth() - a.getUTCMonth()
  if (unit === 'week') return Math.round((mondayOf(b).getTime() - mondayOf(a).getTime()) / DAY_MS / 7)
  const day = (d: Date) => Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())
  return Math.round((day(b) - day(a)) / DAY_MS)
}

/**
 * Lifecycle per calendar period (docs/semantics.md §S8): for each period from the first to the
 * last with activity, in order, those without any activity included, the users new (first period
 * ever), returning (also in the previous period), resurrecting (active before, not in the previous
 * period) and dormant (in the previous period, not this one).
 */
export function lifecycle(
  events: RefEvent[],
  period: 'daily' | 'weekly' | 'monthly',
): { period: string; status: string; users: number }[] {
  const unit = ({ daily: 'day', weekly: 'week', monthly: 'month' } as const)[period]
  const epoch = new Date(Date.UTC(1970, 0, 5)) // a Monday
  const active = new Map<number, Set<string>>()
  for (const e of events) {
    const index = calendarUnitsBetween(epoch, e.moment, unit)
    active.set(index, (active.get(index) ?? new Set<string>()).add(e.user_id))
  }
  // The start of period `index`: the epoch moved by whole days, weeks or months.
  const startOf = (index: number) =>
    unit === 'month'
      ? new Date(Date.UTC(1970, index, 1))
      : new Date(epoch.getTime() + index * (unit === 'week' ? 7 : 1) * DAY_MS)
  const seen = new Set<string>()
  const rows: { period: string; status: string; users: number }[] = []
  const indexes = [...active.keys()]
  for (let index = Math.min(...indexes); index <= Math.max(...indexes); index++) {
    const users = active.get(index) ?? new Set<string>()
    const label = bucket({ moment: startOf(index) }, period === 'monthly' ? '%Y-%m' : '%Y-%m-%d')
    const previous = active.get(index - 1) ?? new Set<string>()
    const counts = { dormant: 0, new: 0, resurrecting: 0, returning: 0 }
    for (const user of users) {
      counts[!seen.has(user) ? 'new' : previous.has(user) ? 'returning' : 'resurrecting']++
    }
    counts.dormant = [...previous].filter((user) => !users.has(user)).length
    for (const user of users) seen.add(user)
    for (const [status, n] of Object.entries(counts)) rows.push({ period: label, status, users: n })
  }
  return rows
}

/** Stickiness: how many users were active on exactly N distinct calendar intervals, smallest N first. */
export function stickiness(
  events: RefEvent[],
  interval: 'day' | 'week' | 'month',
): { intervals_active: number; users: number }[] {
  const epoch = new Date(Date.UTC(1970, 0, 5))
  const intervals = new Map<string, Set<number>>()
  for (const e of events) {
    intervals.set(
      e.user_id,
      (intervals.get(e.user_id) ?? new Set()).add(calendarUnitsBetween(epoch, e.moment, interval)),
    )
  }
  const users = new Map<number, number>()
  for (const set of intervals.values()) users.set(set.size, (users.get(set.size) ?? 0) + 1)
  return [...users].sort(([a], [b]) => a - b).map(([intervals_active, n]) => ({ intervals_active, users: n }))
}
