export { globalContexts, locationStack, ModelHubInputError, QueryCancelledError } from '@kysely-modelhub/core'
export type { FrequencyRow } from './agg/frequency.ts'
export type { RetentionMatrixOptions, RetentionRow, RetentionTimePeriod } from './agg/retention-matrix.ts'
export { type RetentionMatrixRow, toMatrix } from './agg/retention-to-matrix.ts'
export type { SessionDurationMethod } from './agg/session-duration.ts'
export { checkDay, checkDayWindow } from './checks/dates.ts'
export type { FunnelModels, OrderedStepKeys } from './funnel/funnel-models.ts'
export type {
  NavigationPathRow,
  NavigationPathsOptions,
  PathsBy,
  StepValueFunction,
  StepValueOption,
} from './funnel/navigation-paths.ts'
export type { FunnelStep, OrderedStepsOptions, OrderedStepsRow } from './funnel/ordered-steps.ts'
export { type SankeyLink, type SankeyLinksOptions, sankeyLinks } from './funnel/sankey-links.ts'
export type { StepColumns, StepNumber } from './funnel/step-columns.ts'
export { ModelHubKyselyError } from './hub/hub-kysely.ts'
export { type EventsQuery, ModelHub } from './hub/model-hub.ts'
export { ModelHubOptionError, type ModelHubOptionsInput, type ModelHubSettings } from './hub/options.ts'
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
export { requiredColumns } from './run/source-check.ts'
export { displaySqlAsMarkdown, type SqlExportable, type ToSqlOptions } from './run/sql-export.ts'
