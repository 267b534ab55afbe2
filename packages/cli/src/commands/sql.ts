import { type Command, Option } from 'commander'
import type { CliIo } from '../cli-io.ts'
import { ENGINE_NAMES, offlineEngine } from '../engines.ts'
import { withHubFlags } from '../hub-options.ts'
import { modelFlagsFor, modelNamed } from '../models.ts'
import { type CommandFlags, contextsOfModel, modelList, withModelFlags } from './command-flags.ts'

const hubFlags = () => import('../hub-flags.ts')

/** `sql <model>`: the model's SQL, with no database (the engine's dialect compiles it). */
export function addSqlCommand(program: Command, io: CliIo): void {
  withModelFlags(
    withHubFlags(
      program
        .command('sql')
        .argument('<model>', 'a map, aggregation or funnel model, e.g. unique-users')
        .description("print the SQL of a model over the events, formatted for the engine's dialect")
        .addOption(new Option('--engine <engine>', 'the SQL dialect').choices(ENGINE_NAMES).default('postgres'))
        .option('--no-inline', 'keep parameters as placeholders instead of literals')
        .option('--no-pretty', 'one line, unformatted'),
    ),
  )
    .addHelpText('after', modelList())
    .action(async (model: string, flags: CommandFlags) => {
      const spec = modelNamed(model)
      const modelFlags = modelFlagsFor(spec, flags)
      const { db, engine } = await offlineEngine(flags.engine ?? 'postgres')
      try {
        const { eventsFromFlags, hubFromFlags } = await hubFlags()
        const hub = hubFromFlags(db, engine, flags, contextsOfModel(spec.name))
        const query = spec.build(hub, eventsFromFlags(hub, flags), modelFlags, hub.conversionNames[0]!)
        io.out(hub.toSql(query, { inlineParameters: flags.inline !== false, pretty: flags.pretty !== false }))
      } finally {
        await db.destroy()
      }
    })
}
