import type { ModelHub } from '@kysely-modelhub/modelhub'
import type { CliIo } from '../cli-io.ts'
import { CliError, messageOf, openDatabase } from '../database.ts'
import { checkEventsTable } from '../events-table.ts'
import type { eventsFromFlags } from '../hub-flags.ts'
import type { HubFlags } from '../hub-options.ts'
import type { DatabaseFlags } from './command-flags.ts'

// Loaded when a command runs, so --help does not load the hub.
const hubFlags = () => import('../hub-flags.ts')

/**
 * Opens the database the flags name, builds the hub on it, checks its events table and runs
 * `work` with the hub and its events; the database is closed afterwards. An error that is not a
 * {@link CliError} becomes one line naming `what` and the database.
 */
export async function withEventsHub<T>(
  io: CliIo,
  flags: HubFlags & DatabaseFlags,
  what: { readonly name: string; readonly contexts?: readonly string[] },
  work: (hub: ModelHub<unknown, readonly string[], string>, events: ReturnType<typeof eventsFromFlags>) => Promise<T>,
): Promise<T> {
  const opened = await openDatabase({
    databaseUrl: flags.databaseUrl,
    sampleEvents: flags.events,
    dataDir: flags.dataDir,
    log: io.err,
  })
  try {
    const { eventsFromFlags, hubFromFlags } = await hubFlags()
    const hub = hubFromFlags(opened.db, undefined, flags, what.contexts)
    await checkEventsTable(hub, opened.description)
    return await work(hub, eventsFromFlags(hub, flags))
  } catch (error) {
    throw error instanceof CliError
      ? error
      : new CliError(`${what.name} failed on ${opened.description}: ${messageOf(error)}`)
  } finally {
    await opened.db.destroy()
  }
}
