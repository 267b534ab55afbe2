export { globalContexts, locationStack, ModelHubInputError, QueryCancelledError } from '@kysely-modelhub/core'
export type { AggModels } from './agg/agg-models.ts'
export type { AggregateQuery } from './agg/aggregate-query.ts'
export type { DropOffLocationsOptions, DropOffLocationsRow } from './agg/drop-off-locations.ts'
export type { FrequencyRow } from './agg/frequency.ts'
export type { FunnelConversionOptions, FunnelConversionRow } from './agg/funnel-conversion.ts'
export type { GroupBy, GroupByItem, GroupKeys } from './agg/group-by.ts'
export {
  LIFECYCLE_STATUSES,
  type LifecycleOptions,
  type LifecyclePeriod,
  type LifecycleRow,
  type LifecycleStatus,
} from './agg/lifecycle.ts'
export type { LocationOption } from './agg/location-option.ts'
export type {
  RetentionMatrixOptions,
  RetentionMode,
  RetentionPeriods,
  RetentionRow,
  RetentionTimePeriod,
} from './agg/retention-matrix.ts'
export { type RetentionMatrixRow, toMatrix } from './agg/retention-to-matrix.ts'
export type { SessionDurationMethod } from './agg/session-duration.ts'
export type {
  StickinessInterval,
  StickinessKeys,
  StickinessOptions,
  StickinessRow,
} from './agg/stickiness.ts'
export type {
  ProductFeature,
  TopProductFeaturesOptions,
  TopProductFeaturesRow,
} from './agg/top-product-features.ts'
export type { TopProductFeaturesBeforeConversionRow } from './agg/top-product-features-before-conversion.ts'
export { checkDay, checkDayWindow } from './checks/dates.ts'
export type { FunnelModels, OrderedStepKeys } from './funnel/funnel-models.ts'
export type {
  NavigationPathRow,
  NavigationPathsOptions,
  PathsBy,
  StepValueFunction,
  StepValueOption,
} from './funnel/navigation-paths.ts'
export type { FunnelOrder, FunnelStep, OrderedStepsOptions, OrderedStepsRow } from './funnel/ordered-steps.ts'
export { type SankeyLink, type SankeyLinksOptions, sankeyLinks } from './funnel/sankey-links.ts'
export type { StepColumns, StepNumber } from './funnel/step-columns.ts'
export type { TimeToConvertOptions, TimeToConvertRow } from './funnel/time-to-convert.ts'
export type { AnyExpressionBuilder, AnyKysely, AnyQuery, EventsExpressionBuilder } from './hub/any-query.ts'
export type { ConversionEvent, ConversionEventDefinition } from './hub/conversions.ts'
export type { HubContext } from './hub/hub-context.ts'
export { ModelHubKyselyError } from './hub/hub-kysely.ts'
export { type EventsQuery, ModelHub } from './hub/model-hub.ts'
export { ModelHubOptionError, type ModelHubOptionsInput, type ModelHubSettings } from './hub/options.ts'
export type { MappedQuery } from './map/add-column.ts'
export type { MapModels, TimeBucketOptions } from './map/map-models.ts'
export type { BooleanColumn, FitColumns, NumericColumn } from './ml/columns.ts'
export type { FeatureCoefficient, FeatureImportance, FeatureImportanceOptions } from './ml/feature-importance.ts'
export {
  type FitMethod,
  type FitOptions,
  LogisticRegression,
  type LogisticRegressionOptions,
} from './ml/logistic-regression.ts'
export { MlModels } from './ml/ml-models.ts'
export { globalContextType } from './pipeline/global-context-name.ts'
export { type EventRow, type Flatten, type ObjectivEvent, SESSION_COLUMNS } from './pipeline/objectiv-event.ts'
export type { DivideCheck, DivideValue, Quotient } from './results/divide.ts'
export { ConnectionReleasedError, type HubConnection } from './run/connection-scope.ts'
export { type ExecuteOptions, executeWithSignal, type RunnableQuery } from './run/execute-with-signal.ts'
export type { MaterializedQuery, MaterializeKind, MaterializeOptions } from './run/materialize.ts'
export { requiredColumns, type SourceSettings } from './run/source-check.ts'
export { displaySqlAsMarkdown, type SqlExportable, type ToSqlOptions } from './run/sql-export.ts'
