import { ModelHub } from '@kysely-modelhub/modelhub'
import { loadSampleData } from '@kysely-modelhub/sample-data'
import type { Kysely } from 'kysely'
import { expect, it } from 'vitest'
import { describeEachPostgres } from '../support/engines.ts'
import { linear, pairwiseAuc, sigmoid } from '../support/ml-reference.ts'

/**
 * Feature importance on the generated sample data: which PressEvent locations go with users
 * converting (pressing the Quickstart Guide link), checked against the same pivot, fits and
 * AUCs computed in TS from the events.
 */

const TOP = 8
const FOLDS = 3
/** A feature-importance run is ~30 queries over 2,000 events; on a loaded machine that can near the default 60 s. */
const SLOW = 240_000

describeEachPostgres(
  'feature importance',
  (ctx) => {
    const hubOf = () =>
      new ModelHub(ctx.db).addConversionEvent({
        name: 'quickstart',
        eventType: 'PressEvent',
        locationStack: (ls) => ls.from({ _type: 'LinkContext', id: 'Quickstart Guide' }),
      })
    type Hub = ReturnType<typeof hubOf>
    // The events are kept in a table once: every iteration query then reads it instead of sessionizing again.
    const events = (hub: Hub) =>
      hub.db.selectFrom('ml_events' as never).selectAll() as unknown as ReturnType<Hub['events']>
    const importance = (hub: Hub, seed = 5) =>
      hub.ml.featureImportance(events(hub), {
        conversion: 'quickstart',
        feature: (eb) => hub.ls(eb.ref('location_stack')).niceName(),
        countedEvents: (eb) => eb('event_type', '=', 'PressEvent'),
        top: TOP,
        folds: FOLDS,
        seed,
      })
    // Each run is ~30 queries: the seed-5 result is shared by the tests that read it.
    let shared: ReturnType<typeof importance> | undefined
    const seed5 = () => {
      shared ??= importance(hubOf(), 5)
      return shared
    }

    it(
      'pivots per-user counts of the top values, labels converted users, fits and cross-validates as a TS computation does',
      async () => {
        const hub = hubOf()
        const result = await seed5()

        // The reference pivot, from the events' (user, nice name, is conversion) pulled as they are.
        const raw = await hub.map
          .isConversionEvent(events(hub), 'quickstart')
          .select((eb) => hub.ls(eb.ref('location_stack')).niceName().as('nice_name'))
          .execute()
        const counts = new Map<string, number>()
        for (const e of raw)
          if (e.user_id !== null && e.event_type === 'PressEvent' && e.nice_name !== null)
            counts.set(e.nice_name, (counts.get(e.nice_name) ?? 0) + 1)
        const byFrequency = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
        const top = byFrequency.slice(0, TOP).map(([value]) => value)
        const byValue = new Map(result.features.map((f) => [f.value, f]))
        expect([...byValue.keys()].sort()).toEqual([...top].sort())
        top.forEach((value, i) => {
          expect(byValue.get(value)?.column).toBe(`f_${i}`)
          expect(byValue.get(value)?.events).toBe(counts.get(value))
        })
        const users = new Map<string, { row: Record<string, number>; converted: boolean; pressed: boolean }>()
        for (const e of raw) {
          if (e.user_id === null) continue
          const user = users.get(e.user_id) ?? {
            row: Object.fromEntries(top.map((_, i) => [`f_${i}`, 0])),
            converted: false,
            pressed: false,
          }
          users.set(e.user_id, user)
          if (e.is_conversion_event) user.converted = true
          if (e.event_type === 'PressEvent' && e.nice_name !== null) {
            user.pressed = true
            const i = top.indexOf(e.nice_name)
            if (i >= 0) user.row[`f_${i}`] = (user.row[`f_${i}`] ?? 0) + 1
          }
        }
        const data = await result.data.execute()
        const expected = [...users].filter(([, u]) => u.pressed)
        expect(data).toHaveLength(expected.length)
        const byUser = new Map(data.map((r) => [String(r.user_id), r]))
        for (const [id, u] of expected) {
          const row = byUser.get(id)
          expect({ ...row, fold: undefined, user_id: undefined }).toEqual({
            ...u.row,
            converted: u.converted,
            fold: undefined,
            user_id: undefined,
          })
        }
        const converted = data.filter((r) => r.converted).length
        expect(converted).toBeGreaterThan(10)
        expect(data.length - converted).toBeGreaterThan(10)

        // Stratified folds: in each class, fold sizes differ by at most one.
        for (const label of [true, false]) {
          const sizes = Array.from(
            { length: FOLDS },
            (_, k) => data.filter((r) => r.converted === label && r.fold === k).length,
          )
          expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1)
        }

        // The final model: the client fit on the same rows.
        const columns = top.map((_, i) => `f_${i}`)
        const spec = { features: columns, label: 'converted' } as never
        const client = await hub.ml
          .logisticRegression()
          .fit(result.data as never, { ...(spec as object), method: 'client' } as never)
        for (const f of result.features)
          expect(Math.abs(f.coef - ((client.coef as Record<string, number>)[f.column] as number))).toBeLessThan(1e-6)
        expect(Math.abs(result.intercept - client.intercept)).toBeLessThan(1e-6)
        expect(result.features.map((f) => f.coef)).toEqual(
          [...result.features.map((f) => f.coef)].sort((a, b) => b - a),
        )

        // Each fold's AUC: a client fit on the other folds, scored in TS, AUC by counting pairs.
        for (let k = 0; k < FOLDS; k++) {
          const train = result.data.where('users.fold', '<>', k)
          const model = await hub.ml
            .logisticRegression()
            .fit(train as never, { ...(spec as object), method: 'client' } as never)
          const coef = model.coef as Record<string, number>
          const held = data.filter((r) => r.fold === k)
          const auc = pairwiseAuc(
            held.map((r) => ({ score: sigmoid(linear(r, coef, model.intercept)), label: Boolean(r.converted) })),
          )
          expect(Math.abs((result.auc.folds[k] as number) - auc)).toBeLessThan(1e-9)
        }
        expect(result.auc.mean).toBeCloseTo(result.auc.folds.reduce((s, a) => s + a, 0) / FOLDS, 12)
        expect(result.auc.mean).toBeGreaterThan(0.5)
      },
      SLOW,
    )

    it(
      'the seed decides the folds: the same seed the same AUCs, another seed other folds',
      async () => {
        const hub = hubOf()
        const [a, b, c] = [await seed5(), await importance(hub, 5), await importance(hub, 6)]
        expect(b.auc).toEqual(a.auc)
        const folds = async (r: typeof a) => (await r.data.orderBy('user_id').execute()).map((u) => u.fold)
        expect(await folds(b)).toEqual(await folds(a))
        expect(await folds(c)).not.toEqual(await folds(a))
        expect(c.features).toEqual(a.features)
      },
      SLOW,
    )

    it('rejects too many values, bad folds and a feature with no values', async () => {
      const hub = hubOf()
      const base = {
        conversion: 'quickstart' as const,
        feature: (eb: any) => hub.ls(eb.ref('location_stack')).niceName(),
      }
      await expect(hub.ml.featureImportance(events(hub), base)).rejects.toThrow(
        /^feature importance: the feature has \d+ distinct values, more than 50 columns; pass top \(1 to 50\) to keep the most frequent$/,
      )
      await expect(hub.ml.featureImportance(events(hub), { ...base, folds: 1 })).rejects.toThrow(
        'folds: got 1; expected an integer ≥ 2',
      )
      await expect(
        hub.ml.featureImportance(events(hub), { ...base, countedEvents: (eb) => eb('event_type', '=', 'NoSuchEvent') }),
      ).rejects.toThrow('feature importance: no counted event has a feature value; nothing to fit')
    })
  },
  async (db: Kysely<any>) => {
    await loadSampleData(db, { events: 2_000, seed: 7, progress: false })
    const hub = new ModelHub(db)
    await hub.materialize(hub.events(), { kind: 'table', name: 'ml_events' })
  },
)
