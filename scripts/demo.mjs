// `pnpm demo`: runs examples/modelhub-basics.ts from the workspace's current sources, bundled first
// (about 0.3 s) so that plain node loads it, a second quicker than tsx compiling each file on import.
// The bundle is rebuilt on every run, so a change in packages/*/src shows with no build step.
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { bundleFromSource } from './bundle-from-source.mjs'

const root = resolve(import.meta.dirname, '..')
const bundle = await bundleFromSource(
  resolve(root, 'examples/modelhub-basics.ts'),
  resolve(root, 'node_modules/.cache/demo'),
)
const { runFromCommandLine } = await import(pathToFileURL(bundle).href)
await runFromCommandLine(process.argv.slice(2))
