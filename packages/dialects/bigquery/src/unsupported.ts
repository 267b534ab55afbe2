/** Thrown when a query uses SQL that BigQuery does not have, naming what to use instead. */
export class BigQueryUnsupportedError extends Error {
  override readonly name = 'BigQueryUnsupportedError'
}
