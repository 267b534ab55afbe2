import { type RawBuilder, sql } from 'kysely'
import type { AnyQuery } from '../hub/any-query.ts'
import type { HubContext } from '../hub/hub-context.ts'
import type { IterationSums } from './newton.ts'
import { expMinusAbs, linearPredictor, sigmoid } from './probability.ts'

/** What the first iteration query also counts, to reject bad input by column name. */
export interface InputCounts {
  /** Rows whose label is not NULL. */
  readonly labelled: number
  /** Non-NULL values of each feature, in order. */
  readonly present: readonly number[]
}

/** One iteration's sums plus the NULL counts, from the database or the client. */
export interface CountedSums extends IterationSums {
  readonly counts: InputCounts
}

/**
 * The aggregate query of one Newton iteration at `weights`: every sum over the rows of `q` in one
 * pass. With d = intercept + features it selects d gradient sums and d(d+1)/2 Hessian sums.
 *
 * Each layer is engine.computedOnce, so Postgres computes z and e once per row, not once per use.
 *
 * Shape:
 *   select count(*), count(y), count(x_i)…, sum(y), sum(loss), sum(r·x_i)…, sum(v·x_i·x_j)…
 *   from (select x_i…, y, r = σ(z) − y, v = σ(z)(1 − σ(z)), loss          -- per-row terms
 *     from (select x_i…, y, z, exp(−|z|) as e                             -- the one exponential
 *       from (select x_i…, y, b + Σ w_i·x_i as z                          -- coefficients as parameters
 *         from (select float(f_i) as x_i…, float(label) as y from (<q>) as rows))))
 */
export async function databaseSums(
  hub: HubContext,
  q: AnyQuery,
  features: readonly string[],
  label: string,
  fitIntercept: boolean,
  weights: readonly number[],
): Promise<CountedSums> {
  const { rows } = await iterationSumsQuery(hub, q, features, label, fitIntercept, weights).execute(hub.db)
  const row = rows[0] ?? {}
  const num = (name: string): number => Number(row[name] ?? 0)
  const x = features.map((_, i) => `x_${i}`)
  const design = designVector(x, fitIntercept)
  const d = design.length
  const hessian = Array.from({ length: d }, (_, i) =>
    Array.from({ length: d }, (_, j) => num(i <= j ? `h_${i}_${j}` : `h_${j}_${i}`)),
  )
  return {
    n: num('n'),
    positives: num('positives'),
    loss: num('loss'),
    gradient: design.map((_, i) => num(`g_${i}`)),
    hessian,
    counts: { labelled: num('labelled'), present: x.map((_, i) => num(`present_${i}`)) },
  }
}

/** The design vector: a constant 1 for the intercept, then the features. */
const designVector = (x: readonly string[], fitIntercept: boolean): RawBuilder<number>[] => [
  ...(fitIntercept ? [sql<number>`1`] : []),
  ...x.map((c) => sql<number>`${sql.ref(c)}`),
]

/**
 * The one aggregate query of a Newton iteration at `weights` (see {@link databaseSums}), also
 * what `pnpm bench` times against hand-written SQL.
 */
export function iterationSumsQuery(
  hub: HubContext,
  q: AnyQuery,
  features: readonly string[],
  label: string,
  fitIntercept: boolean,
  weights: readonly number[],
): RawBuilder<Record<string, unknown>> {
  const x = features.map((_, i) => `x_${i}`)
  const terms = rowTerms(hub, linearRows(hub, q, features, label, fitIntercept, weights), x)
  const design = designVector(x, fitIntercept)
  return sql<Record<string, unknown>>`select ${sql.join(sumsOf(x, design))} from (${terms}) as terms`
}

/** The rows as floats x_i and y, and z = b + Σ w_i·x_i with the coefficients as parameters. */
function linearRows(
  { db, engine }: HubContext,
  q: AnyQuery,
  features: readonly string[],
  label: string,
  fitIntercept: boolean,
  weights: readonly number[],
) {
  const x = features.map((_, i) => `x_${i}`)
  const intercept = fitIntercept ? (weights[0] ?? 0) : 0
  const featureWeights = fitIntercept ? weights.slice(1) : weights
  const cast = db
    .selectFrom(q.as('rows'))
    .select((eb) => [
      ...features.map((f, i) => engine.toFloat(eb.ref(`rows.${f}`)).as(x[i] as string)),
      engine
        .toFloat(sql`case when ${eb.ref(`rows.${label}`)} then 1 when not ${eb.ref(`rows.${label}`)} then 0 end`)
        .as('y'),
    ])
  return db.selectFrom(engine.computedOnce(cast).as('c')).select((eb) => [
    ...x.map((c) => eb.ref(`c.${c}`).as(c)),
    eb.ref('c.y').as('y'),
    linearPredictor(
      engine,
      intercept,
      x.map((c, i) => [eb.ref(`c.${c}`), featureWeights[i] ?? 0] as const),
    ).as('z'),
  ])
}

/** Per row: the one exponential e = exp(−|z|), then the residual, Hessian weight and log-loss. */
function rowTerms({ db, engine }: HubContext, linear: AnyQuery, x: readonly string[]) {
  const exponential = db
    .selectFrom(engine.computedOnce(linear).as('l'))
    .select((eb) => [
      ...x.map((c) => eb.ref(`l.${c}`).as(c)),
      eb.ref('l.y').as('y'),
      eb.ref('l.z').as('z'),
      expMinusAbs(eb.ref('l.z')).as('e'),
    ])
  // Per row: residual r = p − y, Hessian weight v = p(1 − p) = e/(1 + e)², and the log-loss
  // log(1 + e^−|z|) + max(z, 0) − y·z, which never takes exp of a large number.
  return db.selectFrom(engine.computedOnce(exponential).as('t')).select((eb) => {
    const [z, e, y] = [eb.ref('t.z'), eb.ref('t.e'), eb.ref('t.y')]
    return [
      ...x.map((c) => eb.ref(`t.${c}`).as(c)),
      y.as('y'),
      sql<number>`${sigmoid(z, e)} - ${y}`.as('r'),
      sql<number>`${e} / ((1 + ${e}) * (1 + ${e}))`.as('v'),
      sql<number>`ln(1 + ${e}) + greatest(${z}, 0) - ${y} * ${z}`.as('loss'),
    ]
  })
}

/** The select list of the one aggregate: counts, sums, gradient sums and the Hessian's upper triangle. */
function sumsOf(x: readonly string[], design: readonly RawBuilder<number>[]): RawBuilder<unknown>[] {
  const sums: RawBuilder<unknown>[] = []
  const select = (expression: RawBuilder<unknown>, name: string): void => {
    sums.push(sql`${expression} as ${sql.ref(name)}`)
  }
  select(sql`count(*)`, 'n')
  select(sql`count(y)`, 'labelled')
  for (const [i, c] of x.entries()) select(sql`count(${sql.ref(c)})`, `present_${i}`)
  select(sql`sum(y)`, 'positives')
  select(sql`sum(loss)`, 'loss')
  for (const [i, d] of design.entries()) select(sql`sum(r * ${d})`, `g_${i}`)
  design.forEach((di, i) => {
    design.forEach((dj, j) => {
      if (j >= i) select(sql`sum(v * ${di} * ${dj})`, `h_${i}_${j}`)
    })
  })
  return sums
}
