import { FEATURE_IMPORTANCE, LOGISTIC_REGRESSION } from '../checks/model-option-checks.ts'
import { checkOptions } from '../checks/model-options.ts'
import type { AnyQuery } from '../hub/any-query.ts'
import type { HubContext } from '../hub/hub-context.ts'
import type { ObjectivEvent } from '../pipeline/objectiv-event.ts'
import { type FeatureImportance, type FeatureImportanceOptions, featureImportance } from './feature-importance.ts'
import { LogisticRegression, type LogisticRegressionOptions } from './logistic-regression.ts'

/** Machine learning on queries: models fitted in the database, predictions computed in SQL. */
export class MlModels<C extends string> {
  readonly #hub: HubContext

  constructor(hub: HubContext) {
    this.#hub = hub
  }

  /**
   * An unfitted logistic regression with scikit-learn's default objective (L2, C = 1, intercept
   * not penalized); `fit` runs Newton's method with one aggregate query per iteration.
   */
  logisticRegression(options: LogisticRegressionOptions = {}): LogisticRegression {
    checkOptions('hub.ml.logisticRegression', options, LOGISTIC_REGRESSION)
    return new LogisticRegression(this.#hub, options)
  }

  /**
   * Which values of a feature (e.g. the nice name of PressEvents' locations) go with users
   * converting: per-user counts pivoted into columns, a logistic regression on them, k-fold AUC.
   */
  featureImportance(
    q: AnyQuery<Pick<ObjectivEvent, 'user_id' | 'event_type' | 'location_stack'>>,
    options: FeatureImportanceOptions<C>,
  ): Promise<FeatureImportance> {
    checkOptions('hub.ml.featureImportance', options, FEATURE_IMPORTANCE)
    return featureImportance(this.#hub, q, options)
  }
}
