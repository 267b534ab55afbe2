import { bigquery } from '@kysely-modelhub/bigquery'
import { ModelHub } from '@kysely-modelhub/modelhub'
import { createPgliteDb } from '@kysely-modelhub/postgres'
import { type Kysely, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { generateLinkEvents, generateMlData } from '../fixtures/ml-data.ts'
import { linear, pairwiseAuc, sigmoid } from '../support/ml-reference.ts'
import { createZetaSqlDb } from '../support/zetasql.ts'

/**
 * The bigquery engine across engines on ZetaSQL (BigQuery's reference semantics): the same fit as
 * Postgres, and feature importance's pivot, seeded folds (farm_fingerprint) and AUC queries.
 * test/behaviour/ml-logistic-regression.test.ts runs the whole logistic-regression suite on ZetaSQL too.
 */

const FEATURES = ['x1', 'x2', 'x3'] as const
const rows = generateMlData().map((r, id) => ({ id, ...r }))
/** scikit-learn's optimum for this data (see test/behaviour/ml-logistic-regression.test.ts for how it was computed). */
const SKLEARN_C1 = {
  coef: [1.0964498284199506, -0.3321081538632256, 0.7080232222635922],
  intercept: -0.25093563693586046,
}

describe('logistic regression on bigquery (zetasql)', () => {
  let bq: Kysely<any>
  let pg: Kysely<any>
  beforeAll(async () => {
    bq = createZetaSqlDb(inject('zetasqlPort'), {
      ml_data: { columns: { id: 'INT64', x1: 'FLOAT64', x2: 'FLOAT64', x3: 'INT64', converted: 'BOOL' }, rows },
    })
    pg = await createPgliteDb<any>()
    await sql`create table ml_data (id integer, x1 double precision, x2 double precision, x3 integer, converted boolean)`.execute(
      pg,
    )
    await pg.insertInto('ml_data').values(rows).execute()
  })
  afterAll(async () => {
    await pg?.destroy()
  })
  const data = (db: Kysely<any>) => db.selectFrom('ml_data').select(['id', 'x1', 'x2', 'x3', 'converted'])
  const spec = { features: [...FEATURES], label: 'converted' } as const

  it('fits in the database to the Postgres and client coefficients (1e-6) and scikit-learn (1e-4)', async () => {
    const hub = new ModelHub(bq, { engine: bigquery })
    const model = await hub.ml.logisticRegression().fit(data(bq), spec)
    const onPostgres = await new ModelHub(pg).ml.logisticRegression().fit(data(pg), spec)
    const client = await hub.ml.logisticRegression().fit(data(bq), { ...spec, method: 'client' })
    expect(model.converged).toBe(true)
    expect(model.nIter).toBe(onPostgres.nIter)
    FEATURES.forEach((f, i) => {
      expect(Math.abs(model.coef[f] - onPostgres.coef[f])).toBeLessThan(1e-6)
      expect(Math.abs(model.coef[f] - client.coef[f])).toBeLessThan(1e-6)
      expect(Math.abs(model.coef[f] - (SKLEARN_C1.coef[i] as number))).toBeLessThan(1e-4)
    })
    expect(Math.abs(model.intercept - SKLEARN_C1.intercept)).toBeLessThan(1e-4)

    const scored = await model
      .predict(model.predictProba(data(bq)))
      .orderBy('id')
      .execute()
    scored.forEach((row, i) => {
      expect(Math.abs(row.probability - sigmoid(linear(rows[i] as never, model.coef, model.intercept)))).toBeLessThan(
        1e-12,
      )
      expect(row.labels).toBe(row.probability > 0.5)
    })
    expect(await model.score(data(bq), { label: 'converted' })).toBe(
      scored.filter((r) => r.labels === r.converted).length / rows.length,
    )
  })
})

describe('feature importance on bigquery (zetasql)', () => {
  // ZetaSQL's reference engine is slow on window functions over many rows (seconds per query for
  // a thousand events, and feature importance runs ~30 queries): a small generated event set.
  const COLUMNS = { user_id: 'STRING', event_type: 'STRING', location_stack: 'JSON' } as const
  const events = generateLinkEvents()
  let bq: Kysely<any>
  let pg: Kysely<any>
  beforeAll(async () => {
    pg = await createPgliteDb<any>()
    await sql`create table ml_events (user_id text, event_type text, location_stack jsonb)`.execute(pg)
    await pg
      .insertInto('ml_events')
      .values(events.map((e) => ({ ...e, location_stack: JSON.stringify(e.location_stack) })))
      .execute()
    bq = createZetaSqlDb(inject('zetasqlPort'), {
      ml_events: { columns: COLUMNS, rows: events.map((e) => ({ ...e })) },
    })
  })
  afterAll(async () => {
    await pg?.destroy()
  })
  const run = (db: Kysely<any>, options: ConstructorParameters<typeof ModelHub>[1]) => {
    const hub = new ModelHub(db, options).addConversionEvent({
      name: 'signup',
      eventType: 'ClickEvent',
      locationStack: (ls) => ls.from({ _type: 'LinkContext', id: 'signup' }),
    })
    const q = db.selectFrom('ml_events').select(['user_id', 'event_type', 'location_stack']) as never
    return hub.ml.featureImportance(q, {
      conversion: 'signup',
      feature: (eb) => hub.ls(eb.ref('location_stack')).niceName(),
      countedEvents: (eb) => eb('event_type', '=', 'PressEvent'),
      seed: 3,
    })
  }

  it('gives the users, values and final coefficients Postgres gives; its seeded folds are stratified', async () => {
    const [onBigQuery, onPostgres] = [await run(bq, { engine: bigquery }), await run(pg, {})]
    expect(onBigQuery.features).toHaveLength(10)
    expect(onBigQuery.features.map((f) => [f.value, f.column, f.events])).toEqual(
      onPostgres.features.map((f) => [f.value, f.column, f.events]),
    )
    onBigQuery.features.forEach((f, i) => {
      expect(Math.abs(f.coef - (onPostgres.features[i]?.coef as number))).toBeLessThan(1e-6)
    })
    expect(Math.abs(onBigQuery.intercept - onPostgres.intercept)).toBeLessThan(1e-6)
    const users = await onBigQuery.data.execute()
    expect(users).toHaveLength(60)
    for (const label of [true, false]) {
      const sizes = [0, 1, 2].map((k) => users.filter((u) => u.converted === label && u.fold === k).length)
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1)
    }
    // Each fold's AUC: the fold's model (a client fit on the other folds) scored in TS, pairs counted.
    for (let k = 0; k < 3; k++) {
      const columns = onBigQuery.features.map((f) => f.column)
      const model = await new ModelHub(bq, { engine: bigquery }).ml
        .logisticRegression()
        .fit(
          onBigQuery.data.where('users.fold', '<>', k) as never,
          { features: columns, label: 'converted', method: 'client' } as never,
        )
      const coef = model.coef as Record<string, number>
      const held = users.filter((u) => u.fold === k)
      const auc = pairwiseAuc(
        held.map((u) => ({ score: sigmoid(linear(u, coef, model.intercept)), label: Boolean(u.converted) })),
      )
      expect(Math.abs((onBigQuery.auc.folds[k] as number) - auc)).toBeLessThan(1e-9)
    }
  }, 240_000)
})
