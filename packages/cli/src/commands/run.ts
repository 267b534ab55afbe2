import type { Command } from 'commander'
import type { CliIo } from '../cli-io.ts'
import { formatTable } from '../format.ts'
import { withHubFlags } from '../hub-options.ts'
import { modelFlagsFor, modelNamed } from '../models.ts'
import {
  type CommandFlags,
  contextsOfModel,
  type DatabaseFlags,
  modelList,
  positiveInteger,
  withDatabaseFlags,
  withModelFlags,
} from './command-flags.ts'
import { withEventsHub } from './with-events-hub.ts'

/** `run <model>`: the model's first rows over the events, as a table. */
export function addRunCommand(program: Command, io: CliIo): void {
  withDatabaseFlags(
    withModelFlags(
      withHubFlags(
        program
          .command('run')
          .argument('<model>', 'a map, aggregation or funnel model, e.g. unique-users')
          .description('run a model over the events and print the result as a table')
          .option('--limit <n>', 'print at most this many rows', positiveInteger('--limit'), 20),
      ),
    ),
  )
    .addHelpText('after', modelList())
    .action(async (model: string, flags: CommandFlags & DatabaseFlags) => {
      const spec = modelNamed(model)
      const modelFlags = modelFlagsFor(spec, flags)
      const what = { name: spec.name, contexts: contextsOfModel(spec.name) }
      await withEventsHub(io, flags, what, async (hub, events) => {
        const query = spec.build(hub, events, modelFlags, hub.conversionNames[0]!)
        const rows = (await query.limit(flags.limit ?? 20).execute()) as Record<string, unknown>[]
        io.out(formatTable(rows.map(withoutJson)))
      })
    })
}

/** Map models keep every event column; the JSON ones (stacks, contexts) would drown the table. */
const withoutJson = (row: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(row).filter(([, v]) => v === null || typeof v !== 'object' || v instanceof Date))
