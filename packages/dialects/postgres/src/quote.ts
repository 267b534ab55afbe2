import { assertText } from '@kysely-modelhub/core'

/**
 * The audited escaping function of the postgres engine: any text as a Postgres string literal.
 * An escape-string literal (E'…') with backslashes and quotes doubled means the same whatever
 * `standard_conforming_strings` is set to.
 */
export function quotePostgresString(value: string): string {
  assertText('SQL string value', value)
  return `E'${value.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`
}
