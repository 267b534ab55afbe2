import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { formatDuration, formatTable, openDatabase } from '@kysely-modelhub/cli'
import { type Kysely, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  END_DATE,
  eventsOf,
  type NotebookResults,
  newUserShareQuery,
  openHub,
  runNotebook,
  START_DATE,
} from '../../examples/modelhub-basics.ts'
import * as ref from '../support/reference-models.ts'

const QUICKSTART = { id: 'Quickstart Guide', _type: 'LinkContext' }
const DAY = '%Y-%m-%d'

/** The raw rows of the notebook's window, read with plain SQL and sessionized by the TypeScript reference. */
async function referenceEvents(db: Kysely<any>): Promise<ref.RefEvent[]> {
  const { rows } = await sql<{ event_id: string; moment: Date; user_id: string; value: string }>`
    select event_id::text as event_id, moment, cookie_id::text as user_id, value::text as value
    from data where day between ${START_DATE}::date and ${END_DATE}::date`.execute(db)
  return ref.sessionize(
    rows.map((r) => {
      const value = JSON.parse(r.value) as { _type: string; location_stack: Record<string, unknown>[] }
      return {
        event_id: r.event_id,
        moment: new Date(r.moment),
        user_id: r.user_id,
        event_type: value._type,
        location_stack: value.location_stack,
      }
    }),
  )
}

/** `[bucket, value]` pairs as the notebook prints them: latest bucket first, the first `n`. */
const latest = <T>(pairs: [string, T][], n: number): [string, T][] =>
  [...pairs].sort(([a], [b]) => (a < b ? 1 : -1)).slice(0, n)

/** The printed sections: title line → the text under it. */
function sections(printed: string): Map<string, string> {
  const map = new Map<string, string>()
  for (const part of printed.split('\nThe histogram of')[0]!.split('\n── ').slice(1)) {
    const [title, ...body] = part.split('\n')
    map.set(title!, body.join('\n').trim())
  }
  return map
}

/** A printed table back as rows of cells. */
const cells = (table: string): string[][] => table.split('\n').map((line) => line.trim().split(/\s{2,}/))

describe('examples/modelhub-basics.ts: the notebook end to end on PGlite sample data', () => {
  const dir = mkdtempSync(join(tmpdir(), 'notebook-example-'))
  let db: Kysely<any>
  let printed = ''
  let results: NotebookResults
  let reference: ref.RefEvent[]
  const converts = (e: ref.RawEvent) => ref.isConversion(e, QUICKSTART, 'PressEvent')

  beforeAll(async () => {
    db = (await openDatabase({ sampleEvents: 4000, dataDir: join(dir, 'pglite') })).db
    results = await runNotebook(db, {
      chartPath: join(dir, 'chart', 'presses.svg'),
      print: (text) => {
        printed += `${text}\n`
      },
    })
    reference = await referenceEvents(db)
  })

  it('computes every cell as the plain TypeScript reference does on the raw rows', () => {
    expect(reference.length).toBeGreaterThan(0)
    const users = latest(ref.uniqueUsers(reference, DAY), 10)
    expect(users).toHaveLength(10)
    expect(results.uniqueUsers).toEqual(
      users.map(([time_aggregation, unique_users]) => ({ time_aggregation, unique_users })),
    )

    const isNew = ref.isNewUser(reference, DAY)
    const first10 = reference.slice(0, 10)
    expect(results.isNewUser).toEqual(
      first10.map((e) => ({ event_id: e.event_id, is_new_user: isNew.get(e.event_id) })),
    )
    expect(results.conversionEvents).toEqual(
      first10.map((e) => ({ event_id: e.event_id, conversion_events: converts(e) })),
    )

    const converted = latest(ref.uniqueUsers(reference.filter(converts), DAY), 10)
    expect(converted.length).toBeGreaterThan(0)
    expect(results.uniqueConvertedUsers).toEqual(
      converted.map(([time_aggregation, unique_users]) => ({ time_aggregation, unique_users })),
    )

    const newEvents = reference.filter((e) => isNew.get(e.event_id))
    const durations = latest(ref.sessionDuration(newEvents, DAY), 10)
    expect(durations.length).toBeGreaterThan(0)
    expect(results.newUsersSessionDuration.map((r) => r.time_aggregation)).toEqual(durations.map(([day]) => day))
    results.newUsersSessionDuration.forEach((r, i) => {
      expect(r.session_duration).toBeCloseTo(durations[i]![1], 6)
    })

    const newPerDay = new Map(ref.uniqueUsers(newEvents, DAY))
    const share = latest(ref.uniqueUsers(reference, DAY), 10).map(([day, all]): [string, number | null] => [
      day,
      newPerDay.has(day) ? newPerDay.get(day)! / all : null,
    ])
    expect(results.newUserShare.map((r) => r.time_aggregation)).toEqual(share.map(([day]) => day))
    results.newUserShare.forEach((r, i) => {
      const expected = share[i]![1]
      if (expected === null) expect(r.unique_users).toBeNull()
      else expect(r.unique_users).toBeCloseTo(expected, 9)
    })

    const isNewInMonth = ref.isNewUser(reference, '%Y-%m')
    const inTime = ref.conversionsInTime(reference, converts)
    const twice = reference.filter((e) => isNewInMonth.get(e.event_id) && inTime.get(e.event_id) === 2)
    expect(results.monthNewTwiceConverted).toEqual(
      latest(ref.uniqueUsers(twice, DAY), 5).map(([time_aggregation, unique_users]) => ({
        time_aggregation,
        unique_users,
      })),
    )
  })
  afterAll(async () => {
    await db?.destroy()
    rmSync(dir, { recursive: true, force: true })
  })

  it('prints every cell of the notebook, in order', () => {
    expect([...sections(printed).keys()].map((title) => title.replace(/ \(.*$/, ''))).toEqual([
      'Unique users per day',
      'is_new_user',
      'conversion_events: PressEvents in the Quickstart Guide link',
      'Unique converted users per day',
      'Mean session duration of new users per day',
      'Share of new users per day',
      'Users new this month who converted twice, per day',
      'The SQL of the new-user share',
      'PressEvents before conversion per session of converted users',
    ])
    expect(printed).toContain(`The histogram of presses per session is in ${results.chartPath}`)
  })

  it('prints unique users per day as the model counts them, checked against distinct users in the events', async () => {
    const hub = openHub(db)
    const perDay = await eventsOf(hub)
      .clearSelect()
      .select(['day', (eb) => eb.fn.count<number>('user_id').distinct().as('n')])
      .groupBy('day')
      .orderBy('day', 'desc')
      .limit(10)
      .execute()
    expect(perDay.length).toBe(10)
    expect(results.uniqueUsers).toEqual(perDay.map((r) => ({ time_aggregation: r.day, unique_users: r.n })))
    const table = sections(printed).get('Unique users per day (latest 10)')!
    expect(cells(table)).toEqual([['time_aggregation', 'unique_users'], ...perDay.map((r) => [r.day, String(r.n)])])
  })

  it('prints new users, conversions and converted users as the models give them', async () => {
    const hub = openHub(db)
    const df = eventsOf(hub)
    const s = sections(printed)
    expect(results.isNewUser).toHaveLength(10)
    // The first events of the data are the first session of their users: new.
    expect(results.isNewUser.every((r) => r.is_new_user === true)).toBe(true)
    expect(s.get('is_new_user (first 10 events)')).toBe(formatTable(results.isNewUser))
    expect(results.conversionEvents).toHaveLength(10)
    expect(s.get('conversion_events: PressEvents in the Quickstart Guide link (first 10 events)')).toBe(
      formatTable(results.conversionEvents),
    )

    const converted = await hub.agg
      .uniqueUsers(hub.map.isConversionEvent(df, 'quickstart_presses').where('is_conversion_event', '=', true))
      .orderBy('time_aggregation', 'desc')
      .limit(10)
      .execute()
    expect(converted.length).toBeGreaterThan(0)
    expect(results.uniqueConvertedUsers).toEqual(converted)
    expect(cells(s.get('Unique converted users per day (latest 10)')!).slice(1)).toEqual(
      converted.map((r) => [r.time_aggregation, String(r.unique_users)]),
    )
  })

  it('prints the new users’ session duration as pandas prints a timedelta', async () => {
    const hub = openHub(db)
    const expected = await hub.agg
      .sessionDuration(hub.map.isNewUser(eventsOf(hub)).where('is_new_user', '=', true))
      .orderBy('time_aggregation', 'desc')
      .limit(10)
      .execute()
    expect(expected.length).toBeGreaterThan(0)
    const rows = cells(sections(printed).get('Mean session duration of new users per day (latest 10)')!).slice(1)
    expect(rows).toEqual(expected.map((r) => [r.time_aggregation, formatDuration(r.session_duration)]))
    for (const [, duration] of rows) expect(duration).toMatch(/^\d+ days \d\d:\d\d:\d\d\.\d{3}$/)
  })

  it('prints the new-user share as new users / all users per day', async () => {
    const hub = openHub(db)
    const df = eventsOf(hub)
    const all = await hub.agg.uniqueUsers(df).execute()
    const fresh = await hub.agg.uniqueUsers(hub.map.isNewUser(df).where('is_new_user', '=', true)).execute()
    const newOn = new Map(fresh.map((r) => [r.time_aggregation, r.unique_users]))
    const expected = all
      .map((r) => ({
        time_aggregation: r.time_aggregation,
        unique_users: newOn.has(r.time_aggregation) ? newOn.get(r.time_aggregation)! / r.unique_users : null,
      }))
      .sort((a, b) => (a.time_aggregation < b.time_aggregation ? 1 : -1))
      .slice(0, 10)
    expect(results.newUserShare).toHaveLength(10)
    results.newUserShare.forEach((row, i) => {
      expect(row.time_aggregation).toBe(expected[i]!.time_aggregation)
      if (expected[i]!.unique_users === null) expect(row.unique_users).toBeNull()
      else expect(row.unique_users).toBeCloseTo(expected[i]!.unique_users!, 9)
    })
    expect(sections(printed).get('Share of new users per day (latest 10)')).toBe(formatTable(results.newUserShare))
  })

  it('prints month-new users who converted twice, and the SQL of the share', async () => {
    const hub = openHub(db)
    const s = sections(printed)
    expect(s.get('Users new this month who converted twice, per day')).toBe(formatTable(results.monthNewTwiceConverted))
    for (const row of results.monthNewTwiceConverted) expect(row.unique_users).toBeGreaterThan(0)
    const sqlText = s.get('The SQL of the new-user share')!
    expect(sqlText).toBe(hub.toSql(newUserShareQuery(hub, eventsOf(hub)), { inlineParameters: true }).trim())
    // Counted in one pass (docs/semantics.md §S4.6).
    expect(sqlText).not.toMatch(/full (outer )?join/i)
    expect(sqlText).toContain('__numerator_row')
    expect(sqlText).toContain("'2022-03-01'")
  })

  it('counts converted users’ presses before conversion per session, as a plain computation over the events does', async () => {
    const hub = openHub(db)
    const events = await hub.map
      .isConversionEvent(eventsOf(hub), 'quickstart_presses')
      .clearSelect()
      .select(['user_id', 'session_id', 'moment', 'event_type', 'is_conversion_event'])
      .execute()
    const convertedUsers = new Set(events.filter((e) => e.is_conversion_event).map((e) => e.user_id))
    // conversions_in_time: conversions in the session up to and including this moment.
    const conversionMoments = new Map<number, number[]>()
    for (const e of events) {
      if (e.is_conversion_event) {
        conversionMoments.set(e.session_id, [...(conversionMoments.get(e.session_id) ?? []), e.moment.getTime()])
      }
    }
    const presses = new Map<number, number>()
    for (const e of events) {
      const before = (conversionMoments.get(e.session_id) ?? []).filter((m) => m <= e.moment.getTime()).length
      if (e.event_type === 'PressEvent' && convertedUsers.has(e.user_id) && before === 0) {
        presses.set(e.session_id, (presses.get(e.session_id) ?? 0) + 1)
      }
    }
    const expected = [...presses].sort(([a], [b]) => a - b).map(([session_id, n]) => ({ session_id, presses: n }))
    expect(expected.length).toBeGreaterThan(0)
    expect(results.pressesPerSession).toEqual(expected)
    const title = `PressEvents before conversion per session of converted users (first 5 of ${expected.length} sessions)`
    expect(cells(sections(printed).get(title)!).slice(1)).toEqual(
      expected.slice(0, 5).map((r) => [String(r.session_id), String(r.presses)]),
    )
  })

  it('writes the histogram as an SVG document with one bar per distinct count', () => {
    expect(existsSync(results.chartPath)).toBe(true)
    const svg = readFileSync(results.chartPath, 'utf8')
    expect(svg.startsWith('<svg')).toBe(true)
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true)
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"')
    const distinct = new Set(results.pressesPerSession.map((r) => r.presses))
    const bars = svg.match(/<path [^>]*fill="#3b6ea5"[^>]*ecmeta_series_index="0"[^>]*>/g) ?? []
    expect(bars).toHaveLength(distinct.size)
    // Every distinct count is an axis label under its bar.
    for (const n of distinct) expect(svg).toMatch(new RegExp(`>${n}</text>`))
  })
})
