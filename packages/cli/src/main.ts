import { runCli } from './program.ts'

// The exit code is set, not forced, so pending output is flushed before the process ends.
process.exitCode = await runCli(process.argv.slice(2))
