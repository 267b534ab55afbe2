import { invalid, ModelHubInputError } from '@kysely-modelhub/core'
import { type Expression, sql } from 'kysely'
import { FIT, SCORE } from '../checks/model-option-checks.ts'
import { checkOptions } from '../checks/model-options.ts'
import type { AnyQuery } from '../hub/any-query.ts'
import type { HubContext } from '../hub/hub-context.ts'
import { addColumn, type MappedQuery } from '../map/add-column.ts'
import { type ClientRow, clientSums } from './client-sums.ts'
import type { BooleanColumn, FitColumns, NumericColumn, RowsOf } from './columns.ts'
import { type CountedSums, databaseSums } from './database-sums.ts'
import { MAX_FEATURES } from './limits.ts'
import { newtonFit } from './newton.ts'
import { linearPredictor, probability } from './probability.ts'

/** scikit-learn's `LogisticRegression` parameters that this model has. */
export interface LogisticRegressionOptions {
  /** Inverse L2 regularization strength: the objective is C·Σ log-loss + ½‖w‖². Default 1. */
  readonly C?: number
  /** Fit an (unpenalized) intercept. Default true. */
  readonly fitIntercept?: boolean
  /** At most this many iterations, each one SQL query (or one pass over pulled rows). Default 100. */
  readonly maxIter?: number
  /**
   * Stop when max |gradient| of the mean-scaled objective (Σ log-loss/n + ‖w‖²/(2Cn), the one
   * scikit-learn's lbfgs applies its tol to) is at most this. Default 1e-8: Newton's method
   * converges quadratically, so a tight tolerance costs an iteration or two.
   */
  readonly tol?: number
}

/** Where the sums of each iteration are computed. */
export type FitMethod = 'database' | 'client'

/** The columns to fit on and where: `{ features: ['n_events'], label: 'converted' }`. */
export interface FitOptions<F extends string, L extends string> extends FitColumns<F, L> {
  /**
   * 'database' (default): one aggregate query per iteration, no rows leave the database.
   * 'client': one query pulls the feature and label columns, and the iterations run in process.
   */
  readonly method?: FitMethod
}

interface Fitted<F extends string> {
  readonly features: readonly F[]
  readonly coef: { readonly [K in F]: number }
  readonly intercept: number
  readonly nIter: number
  readonly converged: boolean
}

/** Rows that have every feature of `F` as a number column (any query before the features are known). */
type HasFeatures<F extends string> = string extends F ? AnyQuery : RowsOf<{ readonly [K in F]: number | bigint | null }>

type RowOf<Q> = Q extends AnyQuery<infer O> ? O : never

/**
 * Logistic regression with scikit-learn's default objective, fitted by Newton's method whose
 * sums are SQL aggregates, with predictions computed in SQL.
 *
 * @example
 * const model = await hub.ml.logisticRegression().fit(q, { features: ['n_events', 'n_press'], label: 'converted' })
 * model.coef.n_events
 * await model.predictProba(q).execute() // rows of q plus probability
 */
export class LogisticRegression<F extends string = string> {
  readonly #hub: HubContext
  readonly C: number
  readonly fitIntercept: boolean
  readonly maxIter: number
  readonly tol: number
  // Keyed by the features of the last fit, which are F for the model fit resolves to.
  #fitted: Fitted<string> | undefined

  constructor(hub: HubContext, options: LogisticRegressionOptions = {}) {
    this.#hub = hub
    const { C = 1, fitIntercept = true, maxIter = 100, tol = 1e-8 } = options
    if (typeof C !== 'number' || !Number.isFinite(C) || C <= 0) invalid('C', C, 'expected a finite number > 0')
    if (typeof fitIntercept !== 'boolean') invalid('fitIntercept', fitIntercept, 'expected true or false')
    if (!Number.isInteger(maxIter) || maxIter < 1) invalid('maxIter', maxIter, 'expected an integer ≥ 1')
    if (typeof tol !== 'number' || !(tol > 0) || !Number.isFinite(tol))
      invalid('tol', tol, 'expected a finite number > 0')
    this.C = C
    this.fitIntercept = fitIntercept
    this.maxIter = maxIter
    this.tol = tol
  }

  /**
   * Fits on the rows of `q`: `features` are numeric columns, `label` a boolean column. Resolves
   * to a copy of this model typed by its features (this model is fitted as well). Rejects (naming the column) NULL features or labels,
   * no rows, and a label with one class; perfectly separable data gets finite coefficients (C
   * bounds them), a constant feature a finite one (it shares the intercept's job under the penalty).
   */
  async fit<O, const F2 extends NumericColumn<O>, L extends BooleanColumn<O>>(
    q: AnyQuery<O>,
    options: FitOptions<F2, L>,
  ): Promise<LogisticRegression<F2>> {
    checkOptions('fit', options, FIT)
    const features = checkColumns(options)
    const label = options.label as string
    const method = options.method ?? 'database'
    if (method !== 'database' && method !== 'client') invalid('method', method, 'expected "database" or "client"')
    const dimension = features.length + (this.fitIntercept ? 1 : 0)
    const evaluate: (w: readonly number[]) => Promise<CountedSums> =
      method === 'database'
        ? (w) => databaseSums(this.#hub, q, features, label, this.fitIntercept, w)
        : await this.#clientEvaluator(q, features, label)
    const settings = { C: this.C, fitIntercept: this.fitIntercept, maxIter: this.maxIter, tol: this.tol }
    const result = await newtonFit(dimension, evaluate, settings, (sums) => checkInput(sums, features, label))
    const weights = [...result.weights]
    const intercept = this.fitIntercept ? (weights.shift() ?? 0) : 0
    const fitted: Fitted<F2> = {
      features: features as F2[],
      coef: Object.fromEntries(features.map((f, i) => [f, weights[i] ?? 0])) as { [K in F2]: number },
      intercept,
      nIter: result.nIter,
      converged: result.converged,
    }
    // This model is fitted too (`await model.fit(q, …); model.coef`), the copy is typed by F2.
    this.#fitted = fitted
    const model = new LogisticRegression<F2>(this.#hub, settings)
    model.#fitted = fitted
    return model
  }

  async #clientEvaluator(q: AnyQuery, features: readonly string[], label: string) {
    const { db } = this.#hub
    const pulled = await db
      .selectFrom(q.as('rows'))
      .select((eb) => [...features.map((f, i) => eb.ref(`rows.${f}`).as(`x_${i}`)), eb.ref(`rows.${label}`).as('y')])
      .execute()
    const rows: ClientRow[] = pulled.map((row) => ({
      x: features.map((_, i) => (row[`x_${i}`] === null ? null : Number(row[`x_${i}`]))),
      y: row.y === null ? null : Boolean(row.y),
    }))
    return async (w: readonly number[]) => clientSums(rows, features.length, this.fitIntercept, w)
  }

  get #model(): Fitted<F> {
    if (!this.#fitted)
      throw new ModelHubInputError(
        'logistic regression: not fitted yet; call and await fit(q, { features, label }) first',
      )
    return this.#fitted as Fitted<F>
  }

  /** The fitted features, in order. */
  get features(): readonly F[] {
    return this.#model.features
  }
  /** One coefficient per feature. */
  get coef(): { readonly [K in F]: number } {
    return this.#model.coef
  }
  get intercept(): number {
    return this.#model.intercept
  }
  /** Iterations (SQL queries for a database fit) the fit took. */
  get nIter(): number {
    return this.#model.nIter
  }
  /** Whether the gradient reached `tol` within `maxIter` iterations. */
  get converged(): boolean {
    return this.#model.converged
  }

  /** The linear predictor z = intercept + Σ coef·feature over the rows named `rows`. */
  #z(ref: (column: string) => Expression<unknown>) {
    const model = this.#model
    return linearPredictor(
      this.#hub.engine,
      model.intercept,
      model.features.map((f) => [ref(f), model.coef[f]] as const),
    )
  }

  /** The rows of `q` plus `probability`: P(label) by the fitted model, computed in SQL. */
  predictProba<Q extends HasFeatures<F>>(q: Q): MappedQuery<Q, 'probability', number> {
    return addColumn(this.#hub, q, 'probability', (eb) =>
      this.#hub.engine.outputNumber(probability(this.#z((c) => eb.ref(`events.${c}`)))),
    )
  }

  /** The rows of `q` plus `labels`: probability > 0.5. */
  predict<Q extends HasFeatures<F>>(q: Q): MappedQuery<Q, 'labels', boolean> {
    return addColumn(
      this.#hub,
      q,
      'labels',
      (eb) => sql<boolean>`${probability(this.#z((c) => eb.ref(`events.${c}`)))} > 0.5`,
    )
  }

  /** Accuracy on the rows of `q` whose label is not NULL: the share where predict() equals the label. */
  async score<Q extends HasFeatures<F>, L extends BooleanColumn<RowOf<Q>>>(
    q: Q,
    options: { readonly label: L },
  ): Promise<number> {
    checkOptions('score', options, SCORE)
    const label = options.label as string
    if (typeof label !== 'string' || label.length === 0) invalid('label', label, 'expected a boolean column of q')
    const { db, engine } = this.#hub
    const predicted = this.predict(q)
    const { rows } = await sql<{
      n: unknown
      correct: unknown
    }>`select count(${sql.ref(`p.${label}`)}) as n, ${engine.toFloat(
      sql`sum(case when ${sql.ref(`p.${label}`)} = ${sql.ref('p.labels')} then 1 else 0 end)`,
    )} as correct from (${predicted}) as p`.execute(db)
    const n = Number(rows[0]?.n ?? 0)
    if (n === 0)
      throw new ModelHubInputError(`score: no rows of q have a non-NULL "${label}"; accuracy needs at least one`)
    return Number(rows[0]?.correct ?? 0) / n
  }
}

function checkColumns(options: FitColumns<string, string>): string[] {
  if (typeof options !== 'object' || options === null) invalid('fit options', options, 'expected { features, label }')
  const { features, label } = options
  if (!Array.isArray(features) || features.length === 0)
    invalid('features', features, 'expected a non-empty array of numeric column names of q')
  for (const f of features)
    if (typeof f !== 'string' || f.length === 0) invalid('features', features, 'expected column names')
  if (features.length > MAX_FEATURES)
    invalid(
      'features',
      `${features.length} columns`,
      `expected at most ${MAX_FEATURES} (an iteration sums a Hessian of (features + 1)² cells in one row)`,
    )
  if (new Set(features).size !== features.length) invalid('features', features, 'expected each column once')
  if (typeof label !== 'string' || label.length === 0) invalid('label', label, 'expected a boolean column of q')
  if (features.includes(label)) invalid('label', label, 'expected a column that is not also a feature')
  return [...features]
}

/** Rejects what has no (unique) maximum-likelihood answer or would silently drop rows. */
function checkInput(sums: CountedSums, features: readonly string[], label: string): void {
  if (sums.n === 0)
    throw new ModelHubInputError('logistic regression fit: q has no rows; fitting needs rows of both classes')
  features.forEach((f, i) => {
    const nulls = sums.n - (sums.counts.present[i] ?? 0)
    if (nulls > 0)
      throw new ModelHubInputError(
        `logistic regression fit: feature "${f}" is NULL in ${nulls} of ${sums.n} rows; fill it (e.g. coalesce) or filter those rows out`,
      )
  })
  const unlabelled = sums.n - sums.counts.labelled
  if (unlabelled > 0)
    throw new ModelHubInputError(
      `logistic regression fit: label "${label}" is NULL in ${unlabelled} of ${sums.n} rows; filter those rows out`,
    )
  if (sums.positives === 0 || sums.positives === sums.n)
    throw new ModelHubInputError(
      `logistic regression fit: label "${label}" is ${sums.positives === 0 ? 'false' : 'true'} in all ${sums.n} rows; fitting needs both classes`,
    )
}
