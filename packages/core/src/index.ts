export { CALENDAR_UNITS, type CalendarUnit, checkCalendarUnit } from './calendar-unit.ts'
export { type CancellableRun, cancellationOf, QueryCancelledError, rememberCancellation } from './cancellation.ts'
export {
  AuthenticationError,
  ConnectionLostError,
  type DatabaseErrorOptions,
  DatabaseInternalError,
  DatabaseUnreachableError,
  describeQuery,
  ModelHubDatabaseError,
  PermissionDeniedError,
  StatementTimeoutError,
  TableNotFoundError,
} from './database-errors.ts'
export {
  type Engine,
  type EngineCatalog,
  type EngineTables,
  SESSION_IDS,
  type SessionIds,
  type SliceEnd,
  type SliceStart,
} from './engine.ts'
export { engineOf, rememberEngine } from './engine-registry.ts'
export { invalid, ModelHubInputError } from './errors.ts'
export { type GlobalContext, GlobalContexts, globalContexts } from './global-contexts.ts'
export { JsonArrayExpression } from './json-array.ts'
export { assertText, type JsonMatch, type JsonScalar, matchEntries, matchesJs } from './json-match.ts'
export { type FeatureContext, type LocationContext, LocationStack, locationStack } from './location-stack.ts'
export { contextTypeLabel, OBJECTIV_LOCATION_TYPES } from './location-types.ts'
export {
  formatTimeJs,
  parseTimeFormat,
  STRFTIME_CODES,
  type StrftimeCode,
  type TimeFormat,
  type TimeFormatPart,
} from './time-format.ts'
export { checkTimeZone, DEFAULT_TIME_ZONE, timeZoneProblem } from './time-zone.ts'
export { wholeSeconds } from './whole-seconds.ts'
export { type FrameBound, type WindowFrame, type WindowOrder, type WindowSpec, windowed } from './window.ts'
