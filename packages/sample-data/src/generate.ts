import { invalid } from '@kysely-modelhub/core'
import type { ObjectivEventJson } from './event-schema.ts'
import { createRandom, type Random } from './random.ts'
import { firstVisit, type Visitor, visitorEvents } from './visitor.ts'

/** One row of Objectiv's `data` table (docs/semantics.md §S1.1). */
export interface SampleEventRow {
  /** A uuid, equal to `value.id`. */
  readonly event_id: string
  /** 'YYYY-MM-DD', the UTC date of `moment`. */
  readonly day: string
  /** Equal to `value.time`, in milliseconds. */
  readonly moment: Date
  /** A uuid, equal to the `cookie_id` of the event's CookieIdContext. */
  readonly cookie_id: string
  readonly value: ObjectivEventJson
}

export interface SampleDataOptions {
  /** How many events in all. */
  readonly events: number
  /** Same seed, same events. Default 1. */
  readonly seed?: number
  /** 'YYYY-MM-DD': first visits fall in the 4 weeks from this day. Default '2022-03-01'. */
  readonly startDate?: string
  /** How many visitors (cookies). Default one per 20 events. */
  readonly users?: number
}

/** First visits are spread over this many days; returning visitors go on after it. */
const FIRST_VISIT_DAYS = 28
/** Salts that keep the event and cookie id sequences apart. */
const EVENT_IDS = 1
const COOKIE_IDS = 2

function checkOptions(options: SampleDataOptions): { events: number; seed: number; start: number; users: number } {
  const { events, seed = 1, startDate = '2022-03-01' } = options
  if (!Number.isSafeInteger(events) || events < 0) invalid('sample data events', events, 'expected an integer >= 0')
  if (!Number.isSafeInteger(seed)) invalid('sample data seed', seed, 'expected an integer')
  const start = /^\d{4}-\d\d-\d\d$/.test(startDate) ? Date.parse(`${startDate}T00:00:00Z`) : Number.NaN
  // Date.parse rolls '2022-02-30' over to March; only a date that prints back the same is real.
  if (Number.isNaN(start) || new Date(start).toISOString().slice(0, 10) !== startDate)
    invalid('sample data startDate', startDate, "expected a date as 'YYYY-MM-DD'")
  const users = options.users ?? Math.max(1, Math.ceil(events / 20))
  if (!Number.isSafeInteger(users) || users < 1) invalid('sample data users', options.users, 'expected an integer >= 1')
  return { events, seed, start, users: Math.min(users, events) }
}

/** A normal draw (Box–Muller), for the spread of events per visitor. */
const normal = (random: Random): number =>
  Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next())

/**
 * How many of the remaining events the next visitor gets: around the remaining average, skewed so
 * that most visitors come briefly and a few come often, and always leaving one for each visitor after.
 */
function eventsOf(remaining: number, visitorsLeft: number, random: Random): number {
  if (visitorsLeft === 1) return remaining
  const share = (remaining / visitorsLeft) * Math.exp(0.9 * normal(random) - 0.405)
  return Math.min(remaining - (visitorsLeft - 1), Math.max(1, Math.round(share)))
}

/** 30% of visitors sign in with an email; 15% of those switch to another one later; 5% share one with the visitor before (a second device). */
function identitiesOf(index: number, events: number, users: number, random: Random): Visitor['identities'] {
  if (!random.chance(0.3)) return []
  const person = index > 0 && random.chance(0.05) ? index - 1 : index
  const fromEvent = random.chance(0.5) ? 0 : random.int(0, Math.floor(events / 2))
  const first = { email: `user${person}@example.com`, fromEvent }
  if (!random.chance(0.15)) return [first]
  return [
    first,
    {
      email: `user${person + users}@example.com`,
      fromEvent: fromEvent + random.int(1, Math.max(1, Math.floor(events / 2))),
    },
  ]
}

/**
 * Realistic Objectiv events of objectiv.io (website and docs), as rows of the `data` table, one at a
 * time: memory stays flat however many are asked for. Deterministic for a seed. Rows come visitor by
 * visitor, each visitor's in time order.
 *
 * @example for (const row of generateSampleEvents({ events: 10_000, seed: 7 })) console.log(row.day, row.value._type)
 */
export function* generateSampleEvents(options: SampleDataOptions): Generator<SampleEventRow> {
  const { events, seed, start, users } = checkOptions(options)
  const random = createRandom(seed)
  let eventCount = 0
  const nextId = () => random.uuid(eventCount++, EVENT_IDS)
  let remaining = events
  for (let index = 0; index < users; index++) {
    const count = eventsOf(remaining, users - index, random)
    remaining -= count
    const visitor: Visitor = {
      index,
      cookieId: random.uuid(index, COOKIE_IDS),
      events: count,
      firstVisit: firstVisit(start, FIRST_VISIT_DAYS, random),
      identities: identitiesOf(index, count, users, random),
    }
    for (const value of visitorEvents(visitor, random, nextId)) {
      const moment = new Date(value.time)
      yield { event_id: value.id, day: moment.toISOString().slice(0, 10), moment, cookie_id: visitor.cookieId, value }
    }
  }
}
