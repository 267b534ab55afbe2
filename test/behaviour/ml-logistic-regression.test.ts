import { ModelHubInputError } from '@kysely-modelhub/core'
import { ModelHub } from '@kysely-modelhub/modelhub'
import { type Kysely, sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { constantFeatureData, generateMlData, ML_SEED, type MlRow, SEPARABLE_DATA } from '../fixtures/ml-data.ts'
import { describeEachEngine } from '../support/engines.ts'
import { accuracy, linear, sigmoid } from '../support/ml-reference.ts'
import type { TestTable } from '../support/test-tables.ts'

/**
 * scikit-learn's coefficients for the data of generateMlData(ML_SEED = 20261128, 300 rows),
 * computed once with Python 3.11.2, scikit-learn 1.2.1, numpy 1.24.2 (Debian's python3-sklearn)
 * from the CSV this fixture writes:
 *   LogisticRegression(tol=1e-10, max_iter=10000).fit(X, y)   # tight, so lbfgs is at the optimum
 * LogisticRegression() with its defaults gave the same digits on this data (15 lbfgs iterations).
 */
const SKLEARN = {
  seed: ML_SEED,
  C1: { coef: [1.0964498284199506, -0.3321081538632256, 0.7080232222635922], intercept: -0.25093563693586046 },
  defaults: { coef: [1.0964498284199506, -0.3321081538632256, 0.7080232222635922], intercept: -0.25093563693586046 },
  C01: { coef: [0.8578959026285422, -0.29967551170210777, 0.6212006883475699], intercept: -0.18653770872617872 },
  noIntercept: { coef: [1.096517538992629, -0.3552845029709044, 0.6741769257555984], intercept: 0 },
  /** model.score(X, y) and predict_proba(X[:3])[:, 1] of the C = 1 model. */
  accuracy: 0.8066666666666666,
  firstProbabilities: [0.4126986079258643, 0.07018985633250933, 0.2708344015827161],
  /** SEPARABLE_DATA, features x1 and x2 (converted exactly when x1 > 5): finite because of C. */
  separable: { coef: [1.2009870233368167, -0.13412131816842648], intercept: -6.273692375887881 },
  /**
   * constantFeatureData() (x3 = 2 everywhere) fitted on x1 and x2 only: with an intercept, the
   * optimum with the constant x3 too has coef 0 for x3 and these (lbfgs stopped at x3 = −0.00043).
   */
  /** OVERSHOOT_DATA with C = 1000 (tol=1e-10, max_iter=10000). */
  overshootC1000: { coef: [0.030710424984258463], intercept: -0.04397048795017336 },
  constantWithoutX3: { coef: [0.9246146523299783, -0.25450949547392143], intercept: 1.2337999094731495 },
}

const FEATURES = ['x1', 'x2', 'x3'] as const

/** Outliers and a large C: the first full Newton step raises the objective, so it is halved. */
const OVERSHOOT_DATA: MlRow[] = (
  [
    [-59, false],
    [93, true],
    [-85, false],
    [-23, true],
    [6, false],
  ] as const
).map(([x1, converted]) => ({ x1, x2: 0, x3: 0, converted }))
type MlTables = Record<'ml_data' | 'separable' | 'constant' | 'overshoot', MlRow & { id: number }>

/** A generated data set as a table every engine holds (ZetaSQL gets the rows, Postgres creates it). */
const table = (rows: readonly MlRow[]): TestTable => ({
  columns: { id: 'INT64', x1: 'FLOAT64', x2: 'FLOAT64', x3: 'INT64', converted: 'BOOL' },
  rows: rows.map((r, id) => ({ id, ...r })),
})

const byColumn = (coef: readonly number[], names: readonly string[] = FEATURES) =>
  Object.fromEntries(names.map((n, i) => [n, coef[i] as number]))

describeEachEngine(
  'logistic regression',
  (ctx) => {
    const hub = () => new ModelHub(ctx.db as Kysely<MlTables>)
    const data = () => hub().db.selectFrom('ml_data').select(['id', 'x1', 'x2', 'x3', 'converted'])
    const rows = generateMlData()

    /** A hub whose round trips to the database are counted. */
    function countingHub() {
      const counter = { queries: 0 }
      const db = ctx.db.withPlugin({
        // transformQuery also runs for every subquery built; a result comes once per round trip.
        transformQuery: (args) => args.node,
        transformResult: async (args) => {
          counter.queries++
          return args.result
        },
      }) as Kysely<MlTables>
      return { hub: new ModelHub(db, { engine: ctx.engine }), counter }
    }

    it('the in-database fit equals the client fit to 1e-6 and scikit-learn to 1e-4, one query per iteration', async () => {
      const counted = countingHub()
      const q = counted.hub.db.selectFrom('ml_data').select(['x1', 'x2', 'x3', 'converted'])
      const model = await counted.hub.ml.logisticRegression().fit(q, { features: [...FEATURES], label: 'converted' })
      expect(model.converged).toBe(true)
      expect(model.nIter).toBeGreaterThan(2)
      expect(model.nIter).toBeLessThan(10)
      expect(counted.counter.queries).toBe(model.nIter)

      counted.counter.queries = 0
      const client = await counted.hub.ml
        .logisticRegression()
        .fit(q, { features: [...FEATURES], label: 'converted', method: 'client' })
      expect(counted.counter.queries).toBe(1)
      expect(client.nIter).toBe(model.nIter)
      for (const f of FEATURES) {
        expect(Math.abs(model.coef[f] - client.coef[f])).toBeLessThan(1e-6)
        expect(Math.abs(model.coef[f] - (byColumn(SKLEARN.C1.coef)[f] as number))).toBeLessThan(1e-4)
        expect(Math.abs(model.coef[f] - (byColumn(SKLEARN.defaults.coef)[f] as number))).toBeLessThan(1e-4)
      }
      expect(Math.abs(model.intercept - client.intercept)).toBeLessThan(1e-6)
      expect(Math.abs(model.intercept - SKLEARN.C1.intercept)).toBeLessThan(1e-4)
    })

    it.each([
      ['C = 0.1', { C: 0.1 }, SKLEARN.C01],
      ['no intercept', { fitIntercept: false }, SKLEARN.noIntercept],
    ] as const)('with %s it equals the client fit and scikit-learn', async (_, options, reference) => {
      const spec = { features: [...FEATURES], label: 'converted' } as const
      const model = await hub().ml.logisticRegression(options).fit(data(), spec)
      const client = await hub()
        .ml.logisticRegression(options)
        .fit(data(), { ...spec, method: 'client' })
      expect(model.converged).toBe(true)
      FEATURES.forEach((f, i) => {
        expect(Math.abs(model.coef[f] - client.coef[f])).toBeLessThan(1e-6)
        expect(Math.abs(model.coef[f] - (reference.coef[i] as number))).toBeLessThan(1e-4)
      })
      expect(Math.abs(model.intercept - reference.intercept)).toBeLessThan(1e-4)
      if ('fitIntercept' in options) expect(model.intercept).toBe(0)
    })

    it('predictProba, predict and score are computed in SQL from the fitted coefficients', async () => {
      const model = await hub()
        .ml.logisticRegression()
        .fit(data(), { features: [...FEATURES], label: 'converted' })
      const predicted = await model.predict(model.predictProba(data())).orderBy('id').execute()
      expect(predicted).toHaveLength(rows.length)
      predicted.forEach((row, i) => {
        const expected = sigmoid(linear(rows[i] as never, model.coef, model.intercept))
        expect(row.x1).toBe(rows[i]?.x1)
        expect(Math.abs(row.probability - expected)).toBeLessThan(1e-12)
        expect(row.labels).toBe(row.probability > 0.5)
      })
      SKLEARN.firstProbabilities.forEach((p, i) => {
        expect(Math.abs((predicted[i]?.probability as number) - p)).toBeLessThan(1e-4)
      })
      // The new columns can be filtered on at once.
      const likely = await model.predictProba(data()).where('probability', '>', 0.9).execute()
      expect(likely.length).toBe(predicted.filter((r) => r.probability > 0.9).length)

      const score = await model.score(data(), { label: 'converted' })
      expect(score).toBeCloseTo(accuracy(rows, model.coef, model.intercept), 12)
      expect(Math.abs(score - SKLEARN.accuracy)).toBeLessThan(1e-12)
    })

    it('probability is exact and error-free for large |z| (no exp overflow or underflow)', async () => {
      const model = await hub()
        .ml.logisticRegression()
        .fit(data(), { features: [...FEATURES], label: 'converted' })
      const extreme = hub()
        .db.selectFrom('ml_data')
        .select((eb) => [
          'id',
          sql<number>`case when ${eb.ref('id')} = 0 then 1000 when ${eb.ref('id')} = 1 then -1000 else 30 end`.as('x1'),
          sql<number>`0`.as('x2'),
          sql<number>`0`.as('x3'),
        ])
        .where('id', '<', 3)
      const out = await model.predict(model.predictProba(extreme)).orderBy('id').execute()
      expect(out.map((r) => r.probability)).toEqual(
        [1, 0, sigmoid(30 * model.coef.x1 + model.intercept)].map((p) => expect.closeTo(p, 15)),
      )
      expect(out[1]?.probability).toBeGreaterThanOrEqual(0)
      expect(out.map((r) => r.labels)).toEqual([true, false, true])
    })

    it('perfectly separable data gets finite coefficients (C bounds them), as scikit-learn', async () => {
      const q = hub().db.selectFrom('separable').select(['x1', 'x2', 'converted'])
      const model = await hub()
        .ml.logisticRegression()
        .fit(q, { features: ['x1', 'x2'], label: 'converted' })
      const client = await hub()
        .ml.logisticRegression()
        .fit(q, { features: ['x1', 'x2'], label: 'converted', method: 'client' })
      expect(model.converged).toBe(true)
      expect(Math.abs(model.coef.x1 - SKLEARN.separable.coef[0]!)).toBeLessThan(1e-4)
      expect(Math.abs(model.coef.x2 - SKLEARN.separable.coef[1]!)).toBeLessThan(1e-4)
      expect(Math.abs(model.intercept - SKLEARN.separable.intercept)).toBeLessThan(1e-4)
      expect(Math.abs(model.coef.x1 - client.coef.x1)).toBeLessThan(1e-6)
      expect(await model.score(q, { label: 'converted' })).toBe(1)
    })

    it('a Newton step that raises the objective is halved, and the fit still reaches the optimum', async () => {
      const counted = countingHub()
      const q = counted.hub.db.selectFrom('overshoot').select(['x1', 'converted'])
      const spec = { features: ['x1'], label: 'converted' } as const
      const model = await counted.hub.ml.logisticRegression({ C: 1000 }).fit(q, spec)
      const client = await hub()
        .ml.logisticRegression({ C: 1000 })
        .fit(q, { ...spec, method: 'client' })
      expect(model.converged).toBe(true)
      // 7 evaluations: the rejected point is one of them, and each is one query.
      expect(model.nIter).toBe(7)
      expect(counted.counter.queries).toBe(7)
      expect(Math.abs(model.coef.x1 - client.coef.x1)).toBeLessThan(1e-9)
      expect(Math.abs(model.coef.x1 - SKLEARN.overshootC1000.coef[0]!)).toBeLessThan(1e-4)
      expect(Math.abs(model.intercept - SKLEARN.overshootC1000.intercept)).toBeLessThan(1e-4)
    })

    it('a constant feature gets coefficient 0 (the unpenalized intercept carries it); the rest is the fit without it', async () => {
      const q = hub().db.selectFrom('constant').select(['x1', 'x2', 'x3', 'converted'])
      const model = await hub()
        .ml.logisticRegression()
        .fit(q, { features: [...FEATURES], label: 'converted' })
      const without = await hub()
        .ml.logisticRegression()
        .fit(q, { features: ['x1', 'x2'], label: 'converted' })
      expect(Math.abs(model.coef.x3)).toBeLessThan(1e-9)
      expect(Math.abs(model.coef.x1 - without.coef.x1)).toBeLessThan(1e-9)
      expect(Math.abs(model.intercept + 2 * model.coef.x3 - without.intercept)).toBeLessThan(1e-9)
      expect(Math.abs(without.coef.x1 - SKLEARN.constantWithoutX3.coef[0]!)).toBeLessThan(1e-4)
      expect(Math.abs(without.coef.x2 - SKLEARN.constantWithoutX3.coef[1]!)).toBeLessThan(1e-4)
      expect(Math.abs(without.intercept - SKLEARN.constantWithoutX3.intercept)).toBeLessThan(1e-4)
    })

    describe('bad input is rejected with the reason', () => {
      const spec = { features: [...FEATURES], label: 'converted' } as const
      it.each(['database', 'client'] as const)('a NULL feature names the column (%s)', async (method) => {
        const q = hub()
          .db.selectFrom('ml_data')
          .select((eb) => [
            'x1',
            sql<number | null>`case when ${eb.ref('id')} in (3, 7) then null else ${eb.ref('x2')} end`.as('x2'),
            'x3',
            'converted',
          ])
        await expect(
          hub()
            .ml.logisticRegression()
            .fit(q, { ...spec, method }),
        ).rejects.toThrow(
          new ModelHubInputError(
            'logistic regression fit: feature "x2" is NULL in 2 of 300 rows; fill it (e.g. coalesce) or filter those rows out',
          ),
        )
      })
      it('a NULL label', async () => {
        const q = hub()
          .db.selectFrom('ml_data')
          .select((eb) => [
            'x1',
            'x2',
            'x3',
            sql<boolean | null>`case when ${eb.ref('id')} <> 5 then ${eb.ref('converted')} end`.as('converted'),
          ])
        await expect(hub().ml.logisticRegression().fit(q, spec)).rejects.toThrow(
          'logistic regression fit: label "converted" is NULL in 1 of 300 rows; filter those rows out',
        )
      })
      it.each(['database', 'client'] as const)('a single class in the label (%s)', async (method) => {
        const q = data().where('converted', '=', false)
        await expect(
          hub()
            .ml.logisticRegression()
            .fit(q, { ...spec, method }),
        ).rejects.toThrow(
          `logistic regression fit: label "converted" is false in all ${rows.filter((r) => !r.converted).length} rows; fitting needs both classes`,
        )
      })
      it.each(['database', 'client'] as const)('zero rows (%s)', async (method) => {
        await expect(
          hub()
            .ml.logisticRegression()
            .fit(data().where('id', '<', 0), { ...spec, method }),
        ).rejects.toThrow('logistic regression fit: q has no rows; fitting needs rows of both classes')
      })
      it('options and an unfitted model', async () => {
        expect(() => hub().ml.logisticRegression({ C: 0 })).toThrow('C: got 0; expected a finite number > 0')
        expect(() => hub().ml.logisticRegression({ maxIter: 0 })).toThrow('maxIter: got 0; expected an integer ≥ 1')
        await expect(hub().ml.logisticRegression().fit(data(), { features: [], label: 'converted' })).rejects.toThrow(
          'features: got []; expected a non-empty array of numeric column names of q',
        )
        expect(() => hub().ml.logisticRegression().coef).toThrow(
          'logistic regression: not fitted yet; call and await fit(q, { features, label }) first',
        )
        await expect(hub().ml.logisticRegression().score(data(), { label: 'converted' })).rejects.toThrow(
          ModelHubInputError,
        )
      })
      it('maxIter reached: not converged, the last accepted coefficients', async () => {
        const model = await hub().ml.logisticRegression({ maxIter: 2 }).fit(data(), spec)
        expect(model.converged).toBe(false)
        expect(model.nIter).toBe(2)
        expect(Number.isFinite(model.coef.x1)).toBe(true)
      })
    })
  },
  {
    ml_data: table(generateMlData()),
    separable: table(SEPARABLE_DATA),
    constant: table(constantFeatureData()),
    overshoot: table(OVERSHOOT_DATA),
  },
)
