import type { ModelHub } from '@kysely-modelhub/modelhub'
import { CliError, messageOf } from './database.ts'

/**
 * Checks, before `run` or `chart` reads anything, that the table `--table` names is there with
 * the columns the hub reads. Commands that read never create or fill a table: a missing one is
 * an error that says how to load sample events on purpose.
 */
export async function checkEventsTable<DB, G extends readonly string[], C extends string>(
  hub: ModelHub<DB, G, C>,
  where: string,
): Promise<void> {
  try {
    await hub.check()
  } catch (error) {
    const { ModelHubInputError } = await import('@kysely-modelhub/core')
    if (!(error instanceof ModelHubInputError)) throw error
    throw new CliError(
      `${messageOf(error)} (on ${where}). Name your Objectiv events table with --table, or create one with sample events: kysely-modelhub load-sample --events N --database-url URL --table ${hub.settings.table}`,
    )
  }
}
