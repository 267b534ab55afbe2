import { execFile } from 'node:child_process'
import { resolve } from 'node:path'

/** The workspace's root: where child processes run unless told otherwise. */
export const ROOT = resolve(import.meta.dirname, '../..')

/** What a child process printed, and how it ended. */
export interface ChildRun {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** Runs this node with `args` and resolves with how it ended (never rejects). */
export function runNode(
  args: readonly string[],
  options: { readonly cwd?: string; readonly env?: Readonly<Record<string, string>> } = {},
): Promise<ChildRun> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [...args],
      {
        cwd: options.cwd ?? ROOT,
        timeout: 120_000,
        maxBuffer: 1 << 24,
        env: { ...process.env, ...options.env },
      },
      (error, stdout, stderr) => done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    )
  })
}
