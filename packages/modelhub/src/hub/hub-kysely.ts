import { type Engine, engineOf } from '@kysely-modelhub/core'
import { CamelCasePlugin, type KyselyPlugin } from 'kysely'
import type { AnyKysely } from './any-query.ts'
import { ModelHubOptionError } from './options.ts'

/** Raised for a Kysely a hub cannot keep its promises on: the row types would not match the rows. */
export class ModelHubKyselyError extends Error {
  override readonly name = 'ModelHubKyselyError'
}

/**
 * Plugins that rename the keys of result rows: with them every row type of the hub (snake_case
 * columns) would lie. Subclasses count too.
 */
const KEY_RENAMING_PLUGINS: readonly (abstract new (...args: never[]) => KyselyPlugin)[] = [CamelCasePlugin]

/**
 * The Kysely a hub runs on, checked: no plugin that renames result keys (`db.getExecutor().plugins`
 * holds those of `withPlugin` and the constructor alike), and its engine, remembered for it or one of
 * the Kyselys it was copied from (engine-registry.ts), or given. A given engine that contradicts the
 * remembered one is an error, not a choice.
 */
export function hubEngine(db: AnyKysely, given: Engine | undefined): Engine {
  const renaming = db
    .getExecutor()
    .plugins.find((plugin) => KEY_RENAMING_PLUGINS.some((kind) => plugin instanceof kind))
  if (renaming) {
    throw new ModelHubKyselyError(
      `ModelHub: the Kysely has the plugin ${renaming.constructor.name}, which renames the columns of result rows, so the hub's row types (snake_case: unique_users, time_aggregation, …) would not match its rows; make the hub on the Kysely without it (e.g. the one you called .withPlugin() on), and rename in your own code`,
    )
  }
  const remembered = engineOf(db)
  if (given && remembered && given.name !== remembered.name) {
    throw new ModelHubOptionError(
      `Invalid model hub options: option "engine" is ${given.name}, but this Kysely was made for ${remembered.name}; leave "engine" out or pass ${remembered.name}`,
    )
  }
  const engine = given ?? remembered
  if (!engine) {
    throw new ModelHubOptionError(
      'Invalid model hub options: option "engine" is required for a Kysely not made by createPostgresDb/createPgliteDb/createBigQueryDb (or a transaction, withSchema or withPlugin copy of one); pass e.g. { engine: postgres }',
    )
  }
  return engine
}
