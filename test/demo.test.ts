import { execFile } from 'node:child_process'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ChildRun } from './support/without-imports.ts'

const root = resolve(import.meta.dirname, '..')

/** `node scripts/demo.mjs …` as `pnpm demo` runs it: the bundle of the current sources. */
function demo(args: readonly string[], env: Record<string, string> = {}): Promise<ChildRun> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['scripts/demo.mjs', ...args],
      { cwd: root, timeout: 120_000, env: { ...process.env, ...env } },
      (error, stdout, stderr) => done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    )
  })
}

// A bad --events fails before any database opens, so these runs are quick.
describe('pnpm demo failures', () => {
  it('prints one line', async () => {
    const run = await demo(['--events', 'many'])
    expect(run).toMatchObject({ code: 1, stdout: '' })
    expect(run.stderr).toBe('modelhub-basics: invalid --events "many": expected a whole number > 0\n')
  })

  it('adds the stack trace, in the TypeScript sources, with KYSELY_MODELHUB_DEBUG=1', async () => {
    const run = await demo(['--events', 'many'], { KYSELY_MODELHUB_DEBUG: '1' })
    expect(run.code).toBe(1)
    const [message, ...stack] = run.stderr.trimEnd().split('\n')
    expect(message).toBe('modelhub-basics: invalid --events "many": expected a whole number > 0')
    expect(stack[0]).toBe('CliError: invalid --events "many": expected a whole number > 0')
    expect(stack[1]).toMatch(/^ {4}at main \(.*examples\/modelhub-basics\.ts:\d+:\d+\)$/)
  })
})
