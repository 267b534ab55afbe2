import { ModelHub, ModelHubInputError } from '@kysely-modelhub/modelhub'
import { expect, it } from 'vitest'
import { LIFECYCLE_DATA, LIFECYCLE_GAP_DATA } from '../fixtures/lifecycle-data.ts'
import { dataTable } from '../fixtures/objectiv-data.ts'
import { describeEachEngine } from '../support/engines.ts'

/** One period's four statuses, in the order rows are sorted below (alphabetical). */
const period = (label: string, counts: { new?: number; returning?: number; resurrecting?: number; dormant?: number }) =>
  (['dormant', 'new', 'resurrecting', 'returning'] as const).map((status) => ({
    period: label,
    status,
    users: counts[status] ?? 0,
  }))

/** Days from `first` to `last` ('YYYY-MM-DD', both included) without any status: all rows 0. */
const emptyDays = (first: string, last: string) => {
  const rows: ReturnType<typeof period> = []
  for (
    let day = new Date(`${first}T00:00:00Z`);
    day <= new Date(`${last}T00:00:00Z`);
    day.setUTCDate(day.getUTCDate() + 1)
  ) {
    rows.push(...period(day.toISOString().slice(0, 10), {}))
  }
  return rows
}

describeEachEngine(
  'agg.lifecycle',
  (ctx) => {
    const hub = () => new ModelHub(ctx.db, { engine: ctx.engine, identityResolution: 'email' })
    const rows = (p: 'daily' | 'weekly' | 'monthly') => {
      const h = hub()
      return h.agg.lifecycle(h.events(), { period: p }).orderBy('period').orderBy('status').execute()
    }

    it('labels ISO weeks by their Monday; NULL users never count, a week with none has its rows (docs/semantics.md §S8)', async () => {
      expect(await rows('weekly')).toEqual([
        ...period('2021-12-27', { new: 2 }),
        ...period('2022-01-03', { new: 1, returning: 1, dormant: 1 }),
        ...period('2022-01-10', { resurrecting: 1, dormant: 2 }),
        ...period('2022-01-17', { new: 1, resurrecting: 1, dormant: 1 }),
        // 2022-01-24 had only an anonymous user: users 1 and 4, active the week before, are dormant.
        ...period('2022-01-24', { dormant: 2 }),
        ...period('2022-01-31', { resurrecting: 1 }),
      ])
    })

    it('counts calendar months, 23:30 on Dec 31 in December', async () => {
      expect(await rows('monthly')).toEqual([
        ...period('2021-12', { new: 1 }),
        ...period('2022-01', { new: 3, returning: 1 }),
        ...period('2022-02', { returning: 1, dormant: 3 }),
      ])
    })

    it('counts calendar days; users go dormant on the day after their last, then the days are 0', async () => {
      expect(await rows('daily')).toEqual([
        ...period('2021-12-31', { new: 1 }),
        ...period('2022-01-01', { dormant: 1 }),
        ...period('2022-01-02', { new: 1 }),
        ...period('2022-01-03', { resurrecting: 1, dormant: 1 }),
        ...period('2022-01-04', { dormant: 1 }),
        ...period('2022-01-05', { new: 1 }),
        ...period('2022-01-06', { returning: 1 }),
        ...period('2022-01-07', { dormant: 1 }),
        ...emptyDays('2022-01-08', '2022-01-09'),
        ...period('2022-01-10', { resurrecting: 1 }),
        ...period('2022-01-11', { dormant: 1 }),
        ...emptyDays('2022-01-12', '2022-01-16'),
        ...period('2022-01-17', { new: 1, resurrecting: 1 }),
        ...period('2022-01-18', { dormant: 2 }),
        ...emptyDays('2022-01-19', '2022-01-31'),
        ...period('2022-02-01', { resurrecting: 1 }),
      ])
    })

    it('defaults to weekly and reads only user_id and moment', async () => {
      const h = hub()
      const events = h.events().select([]).clearSelect().select(['user_id', 'moment'])
      expect(await h.agg.lifecycle(events).orderBy('period').orderBy('status').execute()).toEqual(await rows('weekly'))
    })

    it('names a bad option and what is valid', () => {
      const h = hub()
      expect(() => h.agg.lifecycle(h.events(), { period: 'yearly' as never })).toThrow(ModelHubInputError)
      expect(() => h.agg.lifecycle(h.events(), { period: 'yearly' as never })).toThrow(
        'period: got "yearly"; expected one of "daily", "weekly", "monthly"',
      )
      expect(() => h.agg.lifecycle(h.events(), { periods: 'daily' } as never)).toThrow(/unknown option "periods"/)
    })
  },
  { data: dataTable(LIFECYCLE_DATA) },
)

describeEachEngine(
  'agg.lifecycle with periods nobody was active in',
  (ctx) => {
    const rows = (p: 'weekly' | 'monthly') => {
      const h = new ModelHub(ctx.db, { engine: ctx.engine, identityResolution: 'email' })
      return h.agg.lifecycle(h.events(), { period: p }).orderBy('period').orderBy('status').execute()
    }

    it('lists two empty months: dormant in the first, all 0 in the second (docs/semantics.md §S8)', async () => {
      expect(await rows('monthly')).toEqual([
        ...period('2022-01', { new: 2 }),
        ...period('2022-02', { dormant: 2 }),
        ...period('2022-03', {}),
        ...period('2022-04', { new: 1, resurrecting: 1 }),
      ])
    })

    it('lists every week between the first and the last active one', async () => {
      const weeks = await rows('weekly')
      expect(weeks.slice(0, 12)).toEqual([
        ...period('2022-01-10', { new: 1 }),
        ...period('2022-01-17', { new: 1, dormant: 1 }),
        ...period('2022-01-24', { dormant: 1 }),
      ])
      expect(weeks.slice(12, -4).every((row) => row.users === 0)).toBe(true)
      expect(new Set(weeks.map((row) => row.period)).size).toBe(13) // 2022-01-10 to 2022-04-04
      expect(weeks.slice(-4)).toEqual(period('2022-04-04', { new: 1, resurrecting: 1 }))
    })
  },
  { data: dataTable(LIFECYCLE_GAP_DATA) },
)
