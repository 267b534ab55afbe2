import { Command, CommanderError } from 'commander'
import { type CliIo, PROCESS_IO } from './cli-io.ts'
import { addChartCommand } from './commands/chart.ts'
import { addLoadSampleCommand } from './commands/load-sample.ts'
import { addRunCommand } from './commands/run.ts'
import { addSqlCommand } from './commands/sql.ts'
import { messageOf } from './database.ts'
import { VERSION } from './version.ts'

// Each command is in its own file under commands/; the hub, charts and sample data are imported by
// the commands that use them, so --help starts fast.

/**
 * The `kysely-modelhub` command line: `sql`, `run`, `load-sample` and `chart`. Errors are thrown
 * as {@link CliError} (or commander's), one line each; {@link runCli} prints them.
 */
export function createProgram(io: CliIo = PROCESS_IO): Command {
  const program = new Command('kysely-modelhub')
    .description("The open model hub's models on Kysely: their SQL, their results and their charts")
    .version(VERSION)
    .showSuggestionAfterError(false)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.out(text.trimEnd()),
      writeErr: (text) => io.err(text.trimEnd()),
      outputError: () => {}, // runCli prints the error, on one line
    })
  addSqlCommand(program, io)
  addRunCommand(program, io)
  addLoadSampleCommand(program, io)
  addChartCommand(program, io)
  return program
}

/**
 * Runs the CLI on `argv` (without node and the script) and returns the exit code: 0, or 1 after
 * printing the error as one line on stderr. Set KYSELY_MODELHUB_DEBUG=1 for the stack trace.
 */
export async function runCli(argv: readonly string[], io: CliIo = PROCESS_IO): Promise<number> {
  const program = createProgram(io)
  if (argv.length === 0) {
    program.outputHelp()
    return 1
  }
  try {
    await program.parseAsync([...argv], { from: 'user' })
    return 0
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return 0 // --help, --version
      io.err(
        `kysely-modelhub: ${error.message
          .replace(/^error: /, '')
          .replace(/\s+/g, ' ')
          .trim()}`,
      )
      return error.exitCode || 1
    }
    io.err(`kysely-modelhub: ${messageOf(error)}`)
    if (process.env.KYSELY_MODELHUB_DEBUG && error instanceof Error) io.err(error.stack ?? '')
    return 1
  }
}
