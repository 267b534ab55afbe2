import cliProgress from 'cli-progress'
import type { Kysely } from 'kysely'
import { generateSampleEvents, type SampleDataOptions } from './generate.ts'
import { createEventsTable, type EventsTableOptions, loadEvents } from './load-events.ts'

export interface LoadSampleDataOptions extends SampleDataOptions, EventsTableOptions {
  /** A progress bar on stderr while loading, when stderr is a terminal. Default true. */
  readonly progress?: boolean
  readonly batchSize?: number
}

/**
 * Creates the events table and fills it with `generateSampleEvents` output: a realistic Objectiv
 * dataset of any size, the same for the same seed. Returns the number of events loaded.
 *
 * @example await loadSampleData(db, { events: 1_000_000, seed: 7 })
 */
export async function loadSampleData<DB>(db: Kysely<DB>, options: LoadSampleDataOptions): Promise<number> {
  const { table, valueType, progress = true, batchSize, ...sample } = options
  await createEventsTable(db, { ...(table ? { table } : {}), ...(valueType ? { valueType } : {}) })
  // A bar redrawn in place only makes sense on a terminal; in logs and CI it would be noise.
  const bar =
    progress && process.stderr.isTTY
      ? new cliProgress.SingleBar(
          {
            stream: process.stderr,
            format: 'sample events [{bar}] {percentage}% | {value}/{total} | {duration_formatted}',
          },
          cliProgress.Presets.shades_classic,
        )
      : undefined
  bar?.start(sample.events, 0)
  try {
    return await loadEvents(db, generateSampleEvents(sample), {
      ...(table ? { table } : {}),
      ...(batchSize ? { batchSize } : {}),
      onProgress: (loaded) => bar?.update(loaded),
    })
  } finally {
    bar?.stop()
  }
}
