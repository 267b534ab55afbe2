/** Where the CLI writes: stdout for results, stderr for news and errors. */
export interface CliIo {
  readonly out: (text: string) => void
  readonly err: (text: string) => void
}

export const PROCESS_IO: CliIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
}
