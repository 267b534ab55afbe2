export { CACHE_DIR_ENV, userCacheDir } from './cache-dir.ts'
export type { CliIo } from './cli-io.ts'
export {
  CACHE_DIR,
  CliError,
  DEFAULT_SAMPLE_EVENTS,
  messageOf,
  type OpenDatabaseOptions,
  type OpenedDatabase,
  openDatabase,
  redactUrl,
  sampleDirName,
} from './database.ts'
export { ENGINE_NAMES, type EngineName, type OfflineEngine, offlineEngine } from './engines.ts'
export { checkEventsTable } from './events-table.ts'
export { formatCell, formatDuration, formatTable } from './format.ts'
export { FLAG_OF, MODELS, type ModelFlags, type ModelSpec, modelNamed } from './models.ts'
export { createProgram, runCli } from './program.ts'
export { VERSION } from './version.ts'
