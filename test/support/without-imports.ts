import { type ChildRun, ROOT, runNode } from './run-node.ts'

export type { ChildRun } from './run-node.ts'

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
  cwd = ROOT,
): Promise<ChildRun> {
  const hook = `export async function resolve(s, c, next) {
    if (${JSON.stringify(specifiers)}.includes(s)) throw new Error('imported: ' + s)
    return next(s, c)
  }`
  const register = `import { register } from 'node:module'
    register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)})`
  return runNode([...FROM_SOURCE, '--import', `data:text/javascript,${encodeURIComponent(register)}`, ...args], { cwd })
}

/** {@link runWithoutImports} of an ES module's text, from the directory of the package it imports. */
export function evalWithoutImports(specifiers: readonly string[], module: string, cwd: string): Promise<ChildRun> {
  return runWithoutImports(specifiers, ['--input-type=module', '--eval', module], cwd)
}
