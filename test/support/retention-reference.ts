import { bucket, calendarUnitsBetween, mondayOf, type RawEvent } from './reference-models.ts'

/** The options of hub.agg.retentionMatrix that the reference follows. */
export interface RetentionReferenceOptions {
  readonly mode?: 'first_time' | 'recurring'
  readonly periods?: 'calendar' | 'elapsed'
  readonly eventType?: string
  readonly returnEventType?: string | null
  readonly startDate?: string
  readonly endDate?: string
}

type TimePeriod = 'daily' | 'weekly' | 'monthly' | 'yearly'

const UNIT = { daily: 'day', weekly: 'week', monthly: 'month', yearly: 'year' } as const
const ELAPSED_DAYS = { daily: 1, weekly: 7, monthly: 30, yearly: 365 } as const
const day = (d: Date) => d.toISOString().slice(0, 10)

/**
 * Retention in long form (docs/semantics.md §S4.3), naively: list each user's cohort memberships
 * (cohort label and the moment it started), then for each membership add the user to period 0 and
 * to the period of every return event at or after that moment.
 */
export function retentionMatrix(
  events: RawEvent[],
  timePeriod: TimePeriod,
  options: RetentionReferenceOptions = {},
): { first_cohort: string; period: number; value: number }[] {
  const { mode = 'first_time', periods = 'calendar', eventType, startDate, endDate } = options
  const returnType = options.returnEventType === undefined ? eventType : (options.returnEventType ?? undefined)
  const label = (d: Date) =>
    timePeriod === 'weekly'
      ? bucket({ moment: mondayOf(d) }, '%Y-%m-%d')
      : bucket({ moment: d }, { daily: '%Y-%m-%d', monthly: '%Y-%m', yearly: '%Y' }[timePeriod])
  const between = (from: Date, to: Date) =>
    periods === 'elapsed'
      ? Math.floor((to.getTime() - from.getTime()) / (ELAPSED_DAYS[timePeriod] * 86_400_000))
      : calendarUnitsBetween(from, to, UNIT[timePeriod])
  const starts = events.filter((e) => eventType === undefined || e.event_type === eventType)
  const seen = events.filter((e) => !endDate || day(e.moment) <= endDate)

  // The moment each membership starts, keyed by user and cohort label.
  const memberships = new Map<string, { user: string; cohort: string; start: Date }>()
  const join = (user: string, at: Date) => {
    const key = `${user}|${label(at)}`
    const known = memberships.get(key)
    if (!known || at < known.start) memberships.set(key, { user, cohort: label(at), start: at })
  }
  if (mode === 'first_time') {
    const first = new Map<string, Date>()
    for (const e of starts)
      if (!first.has(e.user_id) || e.moment < first.get(e.user_id)!) first.set(e.user_id, e.moment)
    for (const [user, at] of first) {
      if ((!startDate || day(at) >= startDate) && (!endDate || day(at) <= endDate)) join(user, at)
    }
  } else {
    for (const e of starts) {
      if ((!startDate || day(e.moment) >= startDate) && (!endDate || day(e.moment) <= endDate))
        join(e.user_id, e.moment)
    }
  }

  const cells = new Map<string, Set<string>>()
  const add = (cohort: string, period: number, user: string) => {
    const key = `${cohort}|${period}`
    cells.set(key, (cells.get(key) ?? new Set()).add(user))
  }
  for (const { user, cohort, start } of memberships.values()) {
    add(cohort, 0, user)
    for (const e of seen) {
      if (e.user_id === user && e.moment >= start && (returnType === undefined || e.event_type === returnType)) {
        add(cohort, between(start, e.moment), user)
      }
    }
  }
  return [...cells]
    .map(([key, users]) => {
      const [first_cohort, period] = key.split('|') as [string, string]
      return { first_cohort, period: Number(period), value: users.size }
    })
    .sort((a, b) => (a.first_cohort < b.first_cohort ? -1 : a.first_cohort > b.first_cohort ? 1 : a.period - b.period))
}
