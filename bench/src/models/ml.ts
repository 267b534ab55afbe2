import type { LogisticRegression } from '@kysely-modelhub/modelhub'
import { sql } from 'kysely'
import { iterationSumsQuery } from '../../../packages/modelhub/src/ml/database-sums.ts'
import type { BenchHub, BenchModel } from '../models.ts'

/** Per user: events, presses and whether they converted, the rows the logistic regression learns from. */
function userFeatures(hub: BenchHub) {
  return hub.db
    .selectFrom(hub.map.isConversionEvent(hub.events(), 'quickstart_presses').as('events'))
    .where('user_id', 'is not', null)
    .groupBy('user_id')
    .select((eb) => [
      eb.ref('user_id').as('user_id'),
      sql<number>`count(*)`.as('n_events'),
      sql<number>`count(*) filter (where event_type = 'PressEvent')`.as('n_press'),
      sql<boolean>`bool_or(is_conversion_event)`.as('converted'),
    ])
}

const FIT = { features: ['n_events', 'n_press'], label: 'converted' } as const
/** The weights (intercept first) of the timed Newton iteration: any will do, these give no overflow. */
const ITERATION_WEIGHTS = [-2, 0.01, 0.05]

type Fitted = LogisticRegression<'n_events' | 'n_press'>
/** The model predict scores with, fitted on the database being measured. */
let fitted: Fitted | undefined

const fittedModel = (): Fitted => {
  if (!fitted) throw new Error('ml-predict: prepare() fits the model first')
  return fitted
}

/** Logistic regression: one iteration of the in-database fit, and the scoring of predictProba. */
export const ML_MODELS: readonly BenchModel[] = [
  {
    name: 'ml-fit-iteration',
    description: "ml.logisticRegression fit: one Newton iteration's sums",
    build: (hub) => {
      const sums = iterationSumsQuery(hub.context, userFeatures(hub), FIT.features, FIT.label, true, ITERATION_WEIGHTS)
      return hub.db.selectFrom(sql`(${sums})`.as('sums')).selectAll()
    },
    usesSessions: false,
  },
  {
    name: 'ml-predict',
    description: 'ml.logisticRegression predictProba per user',
    async prepare(hub) {
      fitted = await hub.ml.logisticRegression().fit(userFeatures(hub), { ...FIT, features: [...FIT.features] })
    },
    build: (hub) => fittedModel().predictProba(userFeatures(hub)).clearSelect().select(['user_id', 'probability']),
    referenceParameters: () => {
      const model = fittedModel()
      return [model.intercept, model.coef.n_events, model.coef.n_press]
    },
    usesSessions: false,
  },
]
