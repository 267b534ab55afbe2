export { BigQueryAdapter } from './bigquery-adapter.ts'
export { BigQueryDialect } from './bigquery-dialect.ts'
export {
  BigQuery,
  BigQueryConnection,
  type BigQueryDialectConfig,
  BigQueryDriver,
  inChunks,
  type SessionUse,
} from './bigquery-driver.ts'
export { bigquery } from './bigquery-engine.ts'
export { toBigQueryError } from './bigquery-errors.ts'
export { BigQueryQueryCompiler, BigQueryUnsupportedError } from './bigquery-query-compiler.ts'
export { assertBigQueryColumnName } from './column-names.ts'
export { type BigQueryDbOptions, createBigQueryDb, dryRunBytes } from './create-bigquery-db.ts'
export { isRetryableJobError } from './job-retry.ts'
export { type BigQueryType, bigQueryParameters, inferType, type TypedParameter, typed } from './parameters.ts'
export { escapeBigQueryIdentifier, quoteBigQueryString } from './quote.ts'
export { toJsInteger, toJsValue } from './result-values.ts'
