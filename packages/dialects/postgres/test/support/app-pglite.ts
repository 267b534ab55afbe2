import { PGlite } from '@electric-sql/pglite'
import { Kysely } from 'kysely'
import { PGliteDialect } from 'kysely-pglite-dialect'

/**
 * A Kysely on embedded PGlite as an app makes it: a plain `new PGlite()` (its default type parsers:
 * timestamps in local time, dates as Dates, numeric as strings) and kysely-pglite-dialect, nothing
 * of ours. It lives here, beside the package that depends on PGlite, for the behavioural suite.
 */
export function appPgliteDb<DB>(): Kysely<DB> {
  return new Kysely<DB>({ dialect: new PGliteDialect(new PGlite()) })
}
