import type { LogisticRegression } from '@kysely-modelhub/modelhub'
import { ModelHub } from '@kysely-modelhub/modelhub'
import { createPostgresDb, postgres } from '@kysely-modelhub/postgres'
import { describe, expectTypeOf, it } from 'vitest'

interface Tables {
  users: { user_id: string; n_events: number; n_press: number | null; big: bigint; name: string; converted: boolean }
}
const db = createPostgresDb<Tables>({ connectionString: 'postgresql://localhost/never-connected' })
const hub = new ModelHub(db, { engine: postgres }).addConversionEvent({
  name: 'quickstart',
  locationStack: (ls) => ls.from({ id: 'Quickstart Guide', _type: 'LinkContext' }),
  eventType: 'PressEvent',
})
const q = db.selectFrom('users').select(['user_id', 'n_events', 'n_press', 'big', 'name', 'converted'])
type Row<Q> = Q extends { execute(): Promise<(infer R)[]> } ? R : never

describe('machine learning types', () => {
  it('fit resolves to a model keyed by its features; coef is keyed the same', async () => {
    const model = await hub.ml
      .logisticRegression({ C: 1 })
      .fit(q, { features: ['n_events', 'n_press'], label: 'converted' })
    expectTypeOf(model).toEqualTypeOf<LogisticRegression<'n_events' | 'n_press'>>()
    expectTypeOf(model.coef).toEqualTypeOf<{ readonly n_events: number; readonly n_press: number }>()
    expectTypeOf(model.intercept).toEqualTypeOf<number>()
    expectTypeOf(model.nIter).toEqualTypeOf<number>()
    expectTypeOf(model.converged).toEqualTypeOf<boolean>()
    // @ts-expect-error: name was not a feature
    model.coef.name
    await hub.ml.logisticRegression().fit(q, { features: ['big'], label: 'converted', method: 'client' })
  })

  it('features must be numeric columns of q and the label a boolean one', async () => {
    const model = hub.ml.logisticRegression()
    // @ts-expect-error: name is text, not a number
    await model.fit(q, { features: ['n_events', 'name'], label: 'converted' })
    // @ts-expect-error: no such column
    await model.fit(q, { features: ['n_clicks'], label: 'converted' })
    // @ts-expect-error: the label must be boolean, n_press is a number
    await model.fit(q, { features: ['n_events'], label: 'n_press' })
    // @ts-expect-error: method is 'database' or 'client'
    await model.fit(q, { features: ['n_events'], label: 'converted', method: 'python' })
    // A comparison is a boolean label too.
    const compared = db.selectFrom('users').select((eb) => ['n_events', eb('n_press', '>', 0).as('pressed')])
    await model.fit(compared, { features: ['n_events'], label: 'pressed' })
  })

  it('predictProba adds probability: number, predict labels: boolean, both filterable', async () => {
    const model = await hub.ml.logisticRegression().fit(q, { features: ['n_events', 'n_press'], label: 'converted' })
    const scored = model.predictProba(q)
    expectTypeOf<Row<typeof scored>['probability']>().toEqualTypeOf<number>()
    expectTypeOf<Row<typeof scored>['name']>().toEqualTypeOf<string>()
    scored.where('probability', '>', 0.9)
    const labelled = model.predict(scored)
    expectTypeOf<Row<typeof labelled>['labels']>().toEqualTypeOf<boolean>()
    expectTypeOf<Row<typeof labelled>['probability']>().toEqualTypeOf<number>()
    expectTypeOf(await model.score(q, { label: 'converted' })).toEqualTypeOf<number>()
    // @ts-expect-error: q must have the model's features
    model.predictProba(db.selectFrom('users').select(['n_events', 'converted']))
    // @ts-expect-error: the score's label must be boolean
    await model.score(q, { label: 'name' })
  })

  it('feature importance takes the hub’s conversion names', async () => {
    const result = await hub.ml.featureImportance(hub.events(), {
      conversion: 'quickstart',
      feature: (eb) => hub.ls(eb.ref('location_stack')).niceName(),
      countedEvents: (eb) => eb('event_type', '=', 'PressEvent'),
      top: 10,
    })
    expectTypeOf(result.features[0]?.coef).toEqualTypeOf<number | undefined>()
    expectTypeOf(result.auc.mean).toEqualTypeOf<number>()
    // @ts-expect-error: not a conversion this hub knows
    await hub.ml.featureImportance(hub.events(), { conversion: 'signup', feature: (eb) => eb.ref('event_type') })
  })
})
