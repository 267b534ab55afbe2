import { describe, expect, it } from 'vitest'
import { type ChildRun, runNode } from './support/run-node.ts'

/** `node scripts/demo.mjs …` as `pnpm demo` runs it: the bundle of the current sources. */
const demo = (args: readonly string[], env: Record<string, string> = {}): Promise<ChildRun> =>
  runNode(['scripts/demo.mjs', ...args], { env })

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
