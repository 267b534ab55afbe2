import { BigQueryUnsupportedError } from './unsupported.ts'

/**
 * BigQuery's rule for the field names of a result (https://cloud.google.com/bigquery/docs/schemas#column_names):
 * letters, digits and underscores, starting with a letter or an underscore, at most 300 characters,
 * and none of the prefixes BigQuery reserves. Quoting does not help: the job fails on the server.
 */
const COLUMN_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,299}$/
const RESERVED_PREFIXES = ['_TABLE_', '_FILE_', '_PARTITION', '_ROW_TIMESTAMP', '__ROOT__', '_COLIDENTIFIER']

/** Throws BigQueryUnsupportedError naming `name` when BigQuery would refuse it as a result column name. */
export function assertBigQueryColumnName(name: string): void {
  const reserved = RESERVED_PREFIXES.find((prefix) => name.toUpperCase().startsWith(prefix))
  if (COLUMN_NAME.test(name) && !reserved) return
  throw new BigQueryUnsupportedError(
    `BigQuery refuses the column name ${JSON.stringify(name)}: ${
      reserved
        ? `names may not start with ${reserved}`
        : 'a name has only letters, digits and underscores, starts with a letter or an underscore, and has at most 300 characters'
    }; choose another alias`,
  )
}
