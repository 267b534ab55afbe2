import { timeZoneProblem } from '@kysely-modelhub/core'
import type { DropOffLocationsOptions } from '../agg/drop-off-locations.ts'
import type { FunnelConversionOptions } from '../agg/funnel-conversion.ts'
import type { LifecycleOptions } from '../agg/lifecycle.ts'
import type { RetentionMatrixOptions } from '../agg/retention-matrix.ts'
import type { SessionDurationOptions } from '../agg/session-duration.ts'
import type { StickinessOptions } from '../agg/stickiness.ts'
import type { TopProductFeaturesOptions } from '../agg/top-product-features.ts'
import type { NavigationPathsOptions } from '../funnel/navigation-paths.ts'
import type { OrderedStepsOptions } from '../funnel/ordered-steps.ts'
import type { SankeyLinksOptions } from '../funnel/sankey-links.ts'
import type { TimeToConvertOptions } from '../funnel/time-to-convert.ts'
import type { FeatureImportanceOptions } from '../ml/feature-importance.ts'
import type { FitOptions, LogisticRegressionOptions } from '../ml/logistic-regression.ts'
import type { ExecuteOptions } from '../run/execute-with-signal.ts'
import type { MaterializeOptions } from '../run/materialize.ts'
import type { ToSqlOptions } from '../run/sql-export.ts'
import { isBoolean, isFunction, isText, type OptionChecks } from './model-options.ts'

/**
 * The options each public model takes, with the checks the model does not do itself (`null`:
 * the model checks that value with its own message). Typed by the model's options, so an option
 * added there must be added here.
 */

export const GROUPED: OptionChecks<{ groupBy?: unknown }> = { groupBy: null }

export const NAMED: OptionChecks<{ as?: string }> = { as: null }

export const TIME_BUCKETED: OptionChecks<{ as?: string; timeAggregation?: string; timeZone?: string }> = {
  as: null,
  timeAggregation: isText,
  timeZone: timeZoneProblem,
}

export const PARTITIONED: OptionChecks<{ as?: string; partition?: string }> = { as: null, partition: null }

export const SESSION_DURATION: OptionChecks<SessionDurationOptions> = {
  groupBy: null,
  excludeBounces: null,
  method: null,
}

export const RETENTION_MATRIX: OptionChecks<RetentionMatrixOptions> = {
  timePeriod: null,
  eventType: null,
  returnEventType: null,
  startDate: null,
  endDate: null,
  percentage: null,
  timeZone: null,
  mode: null,
  periods: null,
}

export const LIFECYCLE: OptionChecks<LifecycleOptions> = { period: null, timeZone: null }

export const STICKINESS: OptionChecks<StickinessOptions> = { interval: null, groupBy: null, timeZone: null }

export const TOP_PRODUCT_FEATURES: OptionChecks<TopProductFeaturesOptions<never>> = {
  locationStack: null,
  eventType: null,
}

export const DROP_OFF_LOCATIONS: OptionChecks<DropOffLocationsOptions<never, never, never>> = {
  locationStack: null,
  groupBy: null,
  percentage: null,
}

export const FUNNEL_CONVERSION: OptionChecks<FunnelConversionOptions<never, never>> = {
  locationStack: null,
  groupBy: null,
}

export const NAVIGATION_PATHS: OptionChecks<NavigationPathsOptions<never, number, never, never, string, never, never>> =
  {
    steps: null,
    by: null,
    locationStack: null,
    addConversionStepColumn: null,
    onlyConvertedPaths: null,
    conversionName: isText,
    startFromEnd: null,
    nExamples: null,
    sortBy: null,
  }

export const ORDERED_STEPS: OptionChecks<OrderedStepsOptions<never, never>> = {
  steps: null,
  by: null,
  conversionWindowSeconds: null,
  groupBy: null,
  order: null,
}

export const TIME_TO_CONVERT: OptionChecks<TimeToConvertOptions> = {
  steps: null,
  conversionWindowSeconds: null,
  fromStep: null,
  toStep: null,
  order: null,
}

export const SANKEY_LINKS: OptionChecks<SankeyLinksOptions> = { nTopExamples: null }

export const LOGISTIC_REGRESSION: OptionChecks<LogisticRegressionOptions> = {
  C: null,
  fitIntercept: null,
  maxIter: null,
  tol: null,
}

export const FIT: OptionChecks<FitOptions<string, string>> = { features: null, label: null, method: null }

export const SCORE: OptionChecks<{ label: string }> = { label: null }

export const FEATURE_IMPORTANCE: OptionChecks<FeatureImportanceOptions<string>> = {
  ...LOGISTIC_REGRESSION,
  conversion: isText,
  feature: null,
  countedEvents: isFunction,
  top: null,
  folds: null,
  seed: null,
}

export const MATERIALIZE: OptionChecks<MaterializeOptions> = { kind: null, name: null }

export const TO_SQL: OptionChecks<ToSqlOptions> = { pretty: isBoolean, inlineParameters: isBoolean }

export const EXECUTE: OptionChecks<ExecuteOptions> = { timeoutMs: null, signal: null }

export const EVENTS_WINDOW: OptionChecks<{ startDate?: string; endDate?: string }> = { startDate: null, endDate: null }
