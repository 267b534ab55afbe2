import { ModelHub } from '@kysely-modelhub/modelhub'
import { expect, it } from 'vitest'
import { createDataTable, OBJECTIV_DATA } from '../fixtures/objectiv-data.ts'
import { describeEachPostgres } from '../support/engines.ts'
import { planNodeCounts } from '../support/plan.ts'

const JOINS = ['Hash Join', 'Merge Join', 'Nested Loop']

describeEachPostgres(
  'map helper query plans',
  (ctx) => {
    const hub = () => new ModelHub(ctx.db).addConversionEvent({ name: 'clicks', eventType: 'ClickEvent' })
    const shape = async (q: Parameters<typeof planNodeCounts>[1]) => {
      const counts = await planNodeCounts(ctx.db, q)
      return {
        windows: counts.WindowAgg ?? 0,
        sorts: (counts.Sort ?? 0) + (counts['Incremental Sort'] ?? 0),
        joins: JOINS.reduce((n, join) => n + (counts[join] ?? 0), 0),
      }
    }

    it('adds one window pass per helper and never joins back', async () => {
      const h = hub()
      // The pipeline's 3 window passes (3 sorts), then the helper's, per session key: the rows are
      // already in per-user order, so an incremental sort within each user is all it needs.
      expect(await shape(h.map.conversionsInTime(h.events(), 'clicks'))).toEqual({ windows: 4, sorts: 4, joins: 0 })
      // preConversionHitNumber counts per session key, over every hit with windows over the partition
      // alone (its two passes share one sort, and none sorts by hit); with every column selected,
      // session_id's global numbering is computed too.
      expect(await shape(h.map.preConversionHitNumber(h.events(), 'clicks'))).toEqual({
        windows: 5,
        sorts: 4,
        joins: 0,
      })
    })

    it('reuses the sort of a helper over the same partition and order', async () => {
      const h = hub()
      const stacked = h.map.conversionsCounter(h.map.conversionsInTime(h.events(), 'clicks'), 'clicks')
      expect(await shape(stacked)).toEqual({ windows: 5, sorts: 4, joins: 0 })
    })

    it('counts per user over rows a per-session helper left in per-user order, with no sort of its own', async () => {
      const h = hub()
      // The notebook's presses per session: the per-user count reads the stored user, which is the
      // session key's user, so the per-session helper's order already groups each user's rows.
      const perUser = h.map.conversionsCounter(h.map.conversionsInTime(h.events(), 'clicks'), 'clicks', {
        partition: 'user_id',
      })
      expect(await shape(perUser)).toEqual({ windows: 5, sorts: 4, joins: 0 })
    })
  },
  (db) => createDataTable(db, OBJECTIV_DATA),
)
