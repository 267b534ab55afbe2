import { execFile } from 'node:child_process'
import { resolve } from 'node:path'

/** What a child process printed, and how it ended. */
export interface ChildRun {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** Node's flags that run the workspace's TypeScript sources, as the tests do. */
export const FROM_SOURCE = ['--conditions=@kysely-modelhub/source', '--import', 'tsx']

/**
 * Runs node with `args` (after {@link FROM_SOURCE}) under a resolve hook that fails the process
 * when anything imports one of `specifiers`: the guard that a start-up path stays without a heavy
 * module, without timing anything. (CommonJS `require` does not pass ESM hooks: a module loaded
 * on purpose through `createRequire` still loads.)
 */
export function runWithoutImports(
  specifiers: readonly string[],
  args: readonly string[],
  cwd = resolve(import.meta.dirname, '../..'),
): Promise<ChildRun> {
  const hook = `export async function resolve(s, c, next) {
    if (${JSON.stringify(specifiers)}.includes(s)) throw new Error('imported: ' + s)
    return next(s, c)
  }`
  const register = `import { register } from 'node:module'
    register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)})`
  return new Promise((done) => {
    execFile(
      process.execPath,
      [...FROM_SOURCE, '--import', `data:text/javascript,${encodeURIComponent(register)}`, ...args],
      { cwd, timeout: 120_000 },
      (error, stdout, stderr) => done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    )
  })
}

/** {@link runWithoutImports} of an ES module's text, from the directory of the package it imports. */
export function evalWithoutImports(specifiers: readonly string[], module: string, cwd: string): Promise<ChildRun> {
  return runWithoutImports(specifiers, ['--input-type=module', '--eval', module], cwd)
}
