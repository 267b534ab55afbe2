import { invalid, ModelHubInputError } from '@kysely-modelhub/core'
import { type Expression, type SelectQueryBuilder, type SqlBool, sql } from 'kysely'
import type { AnyQuery, EventsExpressionBuilder } from '../hub/any-query.ts'
import type { HubContext } from '../hub/hub-context.ts'
import { MapModels } from '../map/map-models.ts'
import { aucInDatabase } from './auc.ts'
import { MAX_FEATURES } from './limits.ts'
import { LogisticRegression, type LogisticRegressionOptions } from './logistic-regression.ts'

/** How feature importance is computed. */
export interface FeatureImportanceOptions<C extends string> extends LogisticRegressionOptions {
  /** The conversion whose users are the positives (a user converted when they have ≥ 1). */
  readonly conversion: C
  /** The value counted per user, e.g. `(eb) => hub.ls(eb.ref('location_stack')).niceName()`; NULLs are not counted. */
  readonly feature: (eb: EventsExpressionBuilder) => Expression<string | null>
  /**
   * Which events count towards the features (default: all), e.g. `(eb) => eb('event_type', '=', 'PressEvent')`.
   * Leave the conversion events out, or their own value predicts the label perfectly.
   */
  readonly countedEvents?: (eb: EventsExpressionBuilder) => Expression<SqlBool>
  /** Keep only the `top` most frequent values as features (default: all, at most 50). */
  readonly top?: number
  /** Folds of the cross-validation. Default 3. */
  readonly folds?: number
  /** Seed of the fold assignment. Default 0. */
  readonly seed?: number
}

/** One feature value and its coefficient in the model fitted on all users. */
export interface FeatureCoefficient {
  /** The feature value, e.g. a location's nice name. */
  readonly value: string
  /** Its column in `data`: `f_0`, `f_1`, … in order of frequency. */
  readonly column: string
  /** Counted events with this value. */
  readonly events: number
  readonly coef: number
}

export interface FeatureImportance {
  /** Coefficients, largest first: how much one more event with the value raises the log-odds of converting. */
  readonly features: readonly FeatureCoefficient[]
  readonly intercept: number
  /** AUC on each held-out fold (each fold's model fitted on the other folds), and their mean. */
  readonly auc: { readonly folds: readonly number[]; readonly mean: number }
  /** The model fitted on all users. */
  readonly model: LogisticRegression<string>
  /**
   * The users' rows: `user_id`, one count column per feature value, `converted` (boolean) and
   * `fold` (0 … folds − 1, stratified by `converted`, shuffled by a hash of user_id and the seed).
   */
  // biome-ignore lint/suspicious/noExplicitAny: the database is the user's; the users' rows stay queryable by name
  readonly data: SelectQueryBuilder<any, 'users', Record<string, unknown>>
}

/** The count column of the i-th feature value. */
type FeatureColumn = `f_${number}`

/** A row of `data`: the user, a count per feature value, the label and the user's fold. */
type UserRow = { user_id: string; converted: boolean; fold: number } & { [column: FeatureColumn]: number }

/** The users' rows, the columns named at run time by the feature values found. */
type UsersQuery = SelectQueryBuilder<{ users: UserRow }, 'users', UserRow>

/** What the model is fitted on: the count columns, and whether the user converted. */
type UsersSpec = { readonly features: FeatureColumn[]; readonly label: 'converted' }

/**
 * Which locations (or other values) go with converting: per user, the count of each value of
 * `feature` among the counted events, pivoted into columns; label = the user converted. A
 * logistic regression is fitted in the database on all users, and k-fold cross-validated (AUC).
 * Only identified users with at least one counted event take part.
 *
 * Queries: 1 for the values, then per fold the fit's iterations + 1 for the AUC, then the
 * final fit's iterations.
 */
export async function featureImportance<C extends string>(
  hub: HubContext,
  q: AnyQuery,
  options: FeatureImportanceOptions<C>,
): Promise<FeatureImportance> {
  const { folds = 3, seed = 0, top, feature } = options
  if (!Number.isInteger(folds) || folds < 2) invalid('folds', folds, 'expected an integer ≥ 2')
  if (!Number.isSafeInteger(seed)) invalid('seed', seed, 'expected an integer')
  if (top !== undefined && (!Number.isInteger(top) || top < 1 || top > MAX_FEATURES))
    invalid('top', top, `expected an integer from 1 to ${MAX_FEATURES}`)
  if (typeof feature !== 'function') invalid('feature', feature, 'expected a function (eb) => expression giving text')
  const featured = featuredEvents(hub, q, options)
  const values = await featureValues(hub, featured, top)
  const columns = values.map((_, i): FeatureColumn => `f_${i}`)
  const data = dealtIntoFolds(hub, userCounts(hub, featured, values, columns), folds, seed)
  const spec: UsersSpec = { features: columns, label: 'converted' }
  const aucs = await foldAucs(hub, data, spec, folds, options)
  const model = await new LogisticRegression(hub, options).fit(data, spec)
  const coef = model.coef
  const features = values
    .map((v, i) => ({
      value: String(v.value),
      column: columns[i] as string,
      events: Number(v.events),
      coef: coef[columns[i] as FeatureColumn] as number,
    }))
    .sort((a, b) => b.coef - a.coef)
  return {
    features,
    intercept: model.intercept,
    auc: { folds: aucs, mean: aucs.reduce((s, a) => s + a, 0) / aucs.length },
    model,
    data,
  }
}

/** A feature value and how many counted events have it. */
type FeatureValue = { value: unknown; events: number }

/** The identified users' events: the user, whether they converted so far, and the feature value if counted. */
function featuredEvents<C extends string>(
  hub: HubContext,
  q: AnyQuery,
  { conversion, feature, countedEvents }: FeatureImportanceOptions<C>,
) {
  const withConverted = new MapModels<C>(hub).conversionsCounter(q, conversion, {
    partition: 'user_id',
    as: '__converted',
  })
  return hub.db
    .selectFrom(withConverted.as('events'))
    .where('events.user_id', 'is not', null)
    .select((eb) => [
      eb.ref('events.user_id').as('user_id'),
      eb.ref('events.__converted').as('conversions'),
      (countedEvents
        ? sql<string | null>`case when ${countedEvents(eb)} then ${feature(eb)} end`
        : sql<string | null>`${feature(eb)}`
      ).as('feature'),
    ])
}

/** The feature values, most frequent first (the `top` of them); one query. */
async function featureValues(
  { db, engine }: HubContext,
  featured: AnyQuery,
  top: number | undefined,
): Promise<FeatureValue[]> {
  const values = await db
    .selectFrom(featured.as('f'))
    .where('f.feature', 'is not', null)
    .select((eb) => [eb.ref('f.feature').as('value'), eb.fn.countAll<number>().as('events')])
    .groupBy('f.feature')
    .orderBy('events', 'desc')
    .orderBy((eb) => engine.codePointOrder(eb.ref('f.feature')))
    .$if(top !== undefined, (b) => b.limit(top as number))
    .execute()
  if (values.length === 0)
    throw new ModelHubInputError('feature importance: no counted event has a feature value; nothing to fit')
  if (values.length > MAX_FEATURES)
    throw new ModelHubInputError(
      `feature importance: the feature has ${values.length} distinct values, more than ${MAX_FEATURES} columns; pass top (1 to ${MAX_FEATURES}) to keep the most frequent`,
    )
  return values
}

/** Per user with a counted event: the count of each value (a column each) and whether they converted. */
function userCounts(
  { db, engine }: HubContext,
  featured: AnyQuery,
  values: readonly FeatureValue[],
  columns: readonly FeatureColumn[],
) {
  return db
    .selectFrom(featured.as('f'))
    .select((eb) => [
      eb.ref('f.user_id').as('user_id'),
      ...values.map((v, i) =>
        engine
          .outputNumber(sql`sum(case when ${eb.ref('f.feature')} = ${String(v.value)} then 1 else 0 end)`)
          .as(columns[i] as FeatureColumn),
      ),
      sql<boolean>`max(${eb.ref('f.conversions')}) > 0`.as('converted'),
    ])
    .groupBy('f.user_id')
    .having((eb) => eb(eb.fn.count('f.feature'), '>', 0))
}

/** Stratified folds: within each class, users in a seeded hash order are dealt round-robin. */
function dealtIntoFolds({ db, engine }: HubContext, users: AnyQuery, folds: number, seed: number): UsersQuery {
  return (
    db
      .selectFrom(
        db
          .selectFrom(users.as('u'))
          .selectAll('u')
          .select((eb) =>
            sql<number>`mod(row_number() over (partition by ${eb.ref('u.converted')} order by ${engine.seededHash(eb.ref('u.user_id'), seed)}, ${eb.ref('u.user_id')}) - 1, ${folds})`.as(
              'fold',
            ),
          )
          .as('users'),
      )
      // Kysely cannot name the count columns chosen at run time: this states them, the one assertion here.
      .selectAll('users') as UsersQuery
  )
}

/** The AUC on each fold of the model fitted on the other folds. */
async function foldAucs(
  hub: HubContext,
  data: UsersQuery,
  spec: UsersSpec,
  folds: number,
  options: LogisticRegressionOptions,
): Promise<number[]> {
  const aucs: number[] = []
  for (let fold = 0; fold < folds; fold++) {
    const train = data.where('users.fold', '<>', fold)
    const test = data.where('users.fold', '=', fold)
    const model = await new LogisticRegression(hub, options).fit(train, spec)
    aucs.push(await aucInDatabase(hub, model.predictProba(test), 'converted'))
  }
  return aucs
}
