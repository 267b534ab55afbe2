import v8 from 'node:v8'
import vm from 'node:vm'
import { ModelHubInputError } from '@kysely-modelhub/core'
import {
  type GlobalContextJson,
  generateSampleEvents,
  type ObjectivEventJson,
  type SampleEventRow,
  validateEvent,
} from '@kysely-modelhub/sample-data'
import { describe, expect, it } from 'vitest'

const MINUTE = 60_000
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
const rows = [...generateSampleEvents({ events: 20_000, seed: 1 })]

const contextOf = (row: SampleEventRow, type: string): GlobalContextJson | undefined =>
  row.value.global_contexts.find((c) => c._type === type)
const isQuickstartPress = (row: SampleEventRow): boolean =>
  row.value._type === 'PressEvent' &&
  row.value.location_stack.some((c) => c._type === 'LinkContext' && c.id === 'Quickstart Guide')

/** `Map.groupBy`, which Node 20 lacks. */
function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>()
  for (const item of items) {
    const k = key(item)
    const group = groups.get(k)
    if (group) group.push(item)
    else groups.set(k, [item])
  }
  return groups
}

/** Each visitor's events in time order, split where the gap is over 30 minutes. */
function sessionsByCookie(all: readonly SampleEventRow[]): Map<string, SampleEventRow[][]> {
  const byCookie = groupBy(all, (r) => r.cookie_id)
  return new Map(
    [...byCookie].map(([cookie, events]) => {
      const sorted = events.toSorted((a, b) => a.moment.getTime() - b.moment.getTime())
      const sessions: SampleEventRow[][] = []
      sorted.forEach((row, i) => {
        const gap =
          i === 0 ? Number.POSITIVE_INFINITY : row.moment.getTime() - (sorted[i - 1] as SampleEventRow).moment.getTime()
        if (gap > 30 * MINUTE) sessions.push([row])
        else sessions.at(-1)?.push(row)
      })
      return [cookie, sessions]
    }),
  )
}

describe('generateSampleEvents', () => {
  it('gives the same events for the same seed and other events for another seed', () => {
    const again = [...generateSampleEvents({ events: 20_000, seed: 1 })]
    expect(again).toEqual(rows)
    const other = [...generateSampleEvents({ events: 20_000, seed: 2 })]
    const ids = new Set(rows.map((r) => r.event_id))
    expect(other.filter((r) => ids.has(r.event_id))).toEqual([])
    expect(other.map((r) => r.day)).not.toEqual(rows.map((r) => r.day))
  })

  it('is pinned: a change to the generator changes these on purpose only', () => {
    const [first] = rows
    expect(first?.event_id).toBe('5ace7ca4-ee32-46c4-a840-0a274a103a34')
    expect(first?.cookie_id).toBe('eca2cc02-1866-4ebf-9250-59263e9c078e')
    expect(first?.moment.toISOString()).toBe('2022-03-22T10:11:38.235Z')
    const types = Object.fromEntries([...groupBy(rows, (r) => r.value._type)].map(([t, e]) => [t, e.length]))
    expect(types).toEqual({
      ApplicationLoadedEvent: 5909,
      FailureEvent: 16,
      HiddenEvent: 884,
      InputChangeEvent: 639,
      MediaLoadEvent: 175,
      MediaStartEvent: 140,
      PressEvent: 10697,
      SuccessEvent: 47,
      VisibleEvent: 1493,
    })
  })

  it('makes exactly the events and visitors asked for, with unique uuid v4 ids', () => {
    expect(rows).toHaveLength(20_000)
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(20_000)
    expect(new Set(rows.map((r) => r.cookie_id)).size).toBe(1_000) // one visitor per 20 events by default
    expect(rows.every((r) => UUID_V4.test(r.event_id) && UUID_V4.test(r.cookie_id))).toBe(true)
    expect(new Set([...generateSampleEvents({ events: 300, users: 7 })].map((r) => r.cookie_id)).size).toBe(7)
    expect(new Set([...generateSampleEvents({ events: 3, users: 7 })].map((r) => r.cookie_id)).size).toBe(3)
    expect([...generateSampleEvents({ events: 0 })]).toEqual([])
  })

  it('produces events that all pass validateEvent unchanged', () => {
    for (const [i, row] of rows.entries()) expect(validateEvent(row.value, i)).toEqual(row.value)
  })

  it('keeps day, moment, time, ids and the cookie context consistent', () => {
    const bad = rows.filter(
      (r) =>
        r.day !== r.moment.toISOString().slice(0, 10) ||
        r.value.time !== r.moment.getTime() ||
        r.value.id !== r.event_id ||
        contextOf(r, 'CookieIdContext')?.cookie_id !== r.cookie_id,
    )
    expect(bad).toEqual([])
  })

  it('starts first visits on the start date or in the 4 weeks after it', () => {
    const days = [...generateSampleEvents({ events: 5_000, startDate: '2023-01-15' })].map((r) => r.day).sort()
    expect(days[0]).toBe('2023-01-15')
    const firstVisits = [...sessionsByCookie(rows).values()].map((s) => s[0]?.[0]?.day ?? '').sort()
    expect([firstVisits[0], firstVisits.at(-1)]).toEqual(['2022-03-01', '2022-03-28'])
  })

  it('writes the ancestry of every event type and the four global contexts on every event', () => {
    const ancestry = new Map(rows.map((r) => [r.value._type, r.value._types]))
    expect(Object.fromEntries([...ancestry].sort())).toEqual({
      ApplicationLoadedEvent: ['AbstractEvent', 'NonInteractiveEvent', 'ApplicationLoadedEvent'],
      FailureEvent: ['AbstractEvent', 'NonInteractiveEvent', 'FailureEvent'],
      HiddenEvent: ['AbstractEvent', 'NonInteractiveEvent', 'HiddenEvent'],
      InputChangeEvent: ['AbstractEvent', 'InteractiveEvent', 'InputChangeEvent'],
      MediaLoadEvent: ['AbstractEvent', 'NonInteractiveEvent', 'MediaEvent', 'MediaLoadEvent'],
      MediaStartEvent: ['AbstractEvent', 'NonInteractiveEvent', 'MediaEvent', 'MediaStartEvent'],
      PressEvent: ['AbstractEvent', 'InteractiveEvent', 'PressEvent'],
      SuccessEvent: ['AbstractEvent', 'NonInteractiveEvent', 'SuccessEvent'],
      VisibleEvent: ['AbstractEvent', 'NonInteractiveEvent', 'VisibleEvent'],
    })
    const firstFour = new Set(
      rows.map((r) =>
        r.value.global_contexts
          .slice(0, 4)
          .map((c) => c._type)
          .join(),
      ),
    )
    expect([...firstFour]).toEqual(['ApplicationContext,HttpContext,PathContext,CookieIdContext'])
    expect(new Set(rows.map((r) => r.value.location_stack[0]?._type))).toEqual(new Set(['RootLocationContext']))
  })

  it('has both applications, and visitors who go from the website to the docs', () => {
    const apps = groupBy(rows, (r) => contextOf(r, 'ApplicationContext')?.id)
    expect([...apps.keys()].sort()).toEqual(['objectiv-docs', 'objectiv-website'])
    const docsLoadsAfterWebsite = rows.filter(
      (r, i) =>
        i > 0 &&
        r.value._type === 'ApplicationLoadedEvent' &&
        contextOf(r, 'ApplicationContext')?.id === 'objectiv-docs' &&
        contextOf(r, 'HttpContext')?.referrer === contextOf(rows[i - 1] as SampleEventRow, 'PathContext')?.id,
    )
    expect(docsLoadsAfterWebsite.length).toBeGreaterThan(100)
  })

  it('separates sessions by more than 30 minutes, keeps their events minutes apart and starts each with a page load', () => {
    const sessions = [...sessionsByCookie(rows).values()]
    const all = sessions.flat()
    expect(all.filter((s) => s[0]?.value._type !== 'ApplicationLoadedEvent')).toEqual([])
    const gaps = all.flatMap((s) =>
      s.slice(1).map((r, i) => r.moment.getTime() - (s[i] as SampleEventRow).moment.getTime()),
    )
    expect(Math.max(...gaps)).toBeLessThanOrEqual(15 * MINUTE)
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(150)
    // Marketing campaigns are seen only on the first event of a session.
    const marketing = all.flatMap((s) => s.filter((r) => contextOf(r, 'MarketingContext')))
    expect(marketing.length).toBeGreaterThan(0)
    expect(marketing.every((r) => all.some((s) => s[0] === r))).toBe(true)
    const returning = sessions.filter((s) => new Set(s.map((x) => x[0]?.day)).size >= 2)
    expect(returning.length / sessions.length).toBeGreaterThan(0.3)
  })

  it("has visitors who press the 'Quickstart Guide' link, some of them twice", () => {
    const presses = groupBy(rows.filter(isQuickstartPress), (r) => r.cookie_id)
    const visitors = new Set(rows.map((r) => r.cookie_id)).size
    expect(presses.size / visitors).toBeGreaterThan(0.1)
    expect([...presses.values()].filter((p) => p.length >= 2).length).toBeGreaterThan(10)
  })

  it('identifies some visitors by email, a few by two emails, some emails on two cookies', () => {
    const identities = rows.flatMap((r) => {
      const identity = contextOf(r, 'IdentityContext')
      return identity ? [{ cookie: r.cookie_id, id: identity.id, email: String(identity.value) }] : []
    })
    expect(identities.every((i) => i.id === 'email' && /^user\d+@example\.com$/.test(i.email))).toBe(true)
    const emailsByCookie = groupBy(identities, (i) => i.cookie)
    const cookiesByEmail = groupBy(identities, (i) => i.email)
    expect(emailsByCookie.size).toBeGreaterThan(100)
    expect(
      [...emailsByCookie.values()].filter((e) => new Set(e.map((i) => i.email)).size === 2).length,
    ).toBeGreaterThan(0)
    expect(
      [...cookiesByEmail.values()].filter((c) => new Set(c.map((i) => i.cookie)).size === 2).length,
    ).toBeGreaterThan(0)
  })

  it('rejects options it cannot honour, naming them', () => {
    const first = (options: Parameters<typeof generateSampleEvents>[0]) => () => generateSampleEvents(options).next()
    expect(first({ events: -1 })).toThrow(
      new ModelHubInputError('sample data events: got -1; expected an integer >= 0'),
    )
    expect(first({ events: 10, startDate: '2022-02-30' })).toThrow(
      new ModelHubInputError(`sample data startDate: got "2022-02-30"; expected a date as 'YYYY-MM-DD'`),
    )
    expect(first({ events: 10, users: 0 })).toThrow(
      new ModelHubInputError('sample data users: got 0; expected an integer >= 1'),
    )
  })

  it('streams: generating a million events keeps the heap flat', () => {
    v8.setFlagsFromString('--expose-gc')
    const gc = vm.runInNewContext('gc') as () => void
    gc()
    const before = process.memoryUsage().heapUsed
    let peak = 0
    let count = 0
    // Measured while the generator is still running, so a buffer released at the end would show.
    for (const _ of generateSampleEvents({ events: 1_000_000, seed: 5 })) {
      if (++count % 100_000 === 0) {
        gc()
        peak = Math.max(peak, process.memoryUsage().heapUsed - before)
      }
    }
    expect(count).toBe(1_000_000)
    expect(peak).toBeLessThan(50 * 1024 * 1024)
  })
})

describe('validateEvent', () => {
  const good: ObjectivEventJson = (rows[0] as SampleEventRow).value
  const id = good.id
  const fails = (json: unknown, position?: number) => {
    try {
      validateEvent(json, position)
    } catch (error) {
      expect(error).toBeInstanceOf(ModelHubInputError)
      return (error as Error).message
    }
    return 'passed'
  }
  const [app, http] = good.global_contexts

  it('names the event by id and the bad field by its path', () => {
    expect(fails({ ...good, location_stack: [{ _type: 'RootLocationContext', id: 42 }] })).toBe(
      `event ${id}: location_stack[0].id: expected a string, got 42`,
    )
    expect(fails({ ...good, global_contexts: [app, { ...http, user_agent: undefined }] })).toBe(
      `event ${id}: global_contexts[1].user_agent: expected a string, got nothing`,
    )
    expect(fails({ ...good, global_contexts: [{ _type: 'CookieIdContext', id: 'c', cookie_id: 7 }] })).toBe(
      `event ${id}: global_contexts[0].cookie_id: expected a string, got 7`,
    )
    expect(fails({ ...good, global_contexts: [app, 'http'] })).toBe(
      `event ${id}: global_contexts[1]: expected an object, got "http"`,
    )
    expect(fails({ ...good, time: 1.5 })).toBe(`event ${id}: time: expected an integer, got 1.5`)
    expect(fails({ ...good, _types: 'PressEvent', location_stack: null })).toBe(
      `event ${id}: _types: expected an array, got "PressEvent" (and 1 more problem)`,
    )
  })

  it('accepts global contexts of other types with any fields, but checks their _type and id', () => {
    const locale = { _type: 'LocaleContext', id: 'nl', language: 'nl' }
    expect(validateEvent({ ...good, global_contexts: [locale] }).global_contexts).toEqual([locale])
    expect(fails({ ...good, global_contexts: [{ _type: 'LocaleContext', id: 3 }] })).toBe(
      `event ${id}: global_contexts[0].id: expected a string, got 3`,
    )
    expect(fails({ ...good, global_contexts: [{ _type: 3, id: 'x' }] })).toBe(
      `event ${id}: global_contexts[0]._type: expected a string, got 3`,
    )
  })

  it('names an event without a readable id by its position', () => {
    expect(fails({ ...good, id: 17 }, 12)).toBe('event #12: id: expected a string, got 17')
    expect(fails({ ...good, id: 'not-a-uuid' }, 12)).toBe('event "not-a-uuid": id: expected a uuid, got "not-a-uuid"')
    expect(fails(null, 3)).toBe('event #3: expected an object, got null')
    expect(fails('{"id":1}')).toBe('event (no id): expected an object, got "{\\"id\\":1}"')
  })
})
