import { ModelHub, ModelHubInputError } from '@kysely-modelhub/modelhub'
import { expect, it } from 'vitest'
import { LIFECYCLE_DATA } from '../fixtures/lifecycle-data.ts'
import { dataTable } from '../fixtures/objectiv-data.ts'
import { describeEachEngine } from '../support/engines.ts'

/** One period's four statuses, in the order rows are sorted below (alphabetical). */
const period = (label: string, counts: { new?: number; returning?: number; resurrecting?: number; dormant?: number }) =>
  (['dormant', 'new', 'resurrecting', 'returning'] as const).map((status) => ({
    period: label,
    status,
    users: counts[status] ?? 0,
  }))

describeEachEngine(
  'agg.lifecycle',
  (ctx) => {
    const hub = () => new ModelHub(ctx.db, { engine: ctx.engine, identityResolution: 'email' })
    const rows = (p: 'daily' | 'weekly' | 'monthly') => {
      const h = hub()
      return h.agg.lifecycle(h.events(), { period: p }).orderBy('period').orderBy('status').execute()
    }

    it('labels ISO weeks by their Monday; NULL users and periods with nobody active are left out (docs/semantics.md §S8)', async () => {
      expect(await rows('weekly')).toEqual([
        ...period('2021-12-27', { new: 2 }),
        ...period('2022-01-03', { new: 1, returning: 1, dormant: 1 }),
        ...period('2022-01-10', { resurrecting: 1, dormant: 2 }),
        ...period('2022-01-17', { new: 1, resurrecting: 1, dormant: 1 }),
        // 2022-01-24 had only an anonymous user: no row, so users 1 and 4 are dormant nowhere.
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

    it('counts calendar days; a day after a day without activity has no dormant users', async () => {
      expect(await rows('daily')).toEqual([
        ...period('2021-12-31', { new: 1 }),
        ...period('2022-01-02', { new: 1 }),
        ...period('2022-01-03', { resurrecting: 1, dormant: 1 }),
        ...period('2022-01-05', { new: 1 }),
        ...period('2022-01-06', { returning: 1 }),
        ...period('2022-01-10', { resurrecting: 1 }),
        ...period('2022-01-17', { new: 1, resurrecting: 1 }),
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
