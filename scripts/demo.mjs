// `pnpm demo`: runs examples/modelhub-basics.ts from the workspace's current sources on plain node,
// bundled by esbuild (scripts/bundle-from-source.mjs): about a second quicker than tsx compiling
// each file on import. The bundle is reused while the files it was made from are unchanged (a hash
// of their contents, about 10 ms), and made again (about 0.3 s) after any change in them, so a
// change in packages/*/src shows on the next run with no build step. KYSELY_MODELHUB_DEBUG=1 prints a
// failure's stack trace, as the CLI does.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { filesOfBundle, fingerprint } from './source-fingerprint.mjs'

const root = resolve(import.meta.dirname, '..')
const entry = resolve(root, 'examples/modelhub-basics.ts')
const outdir = resolve(root, 'node_modules/.cache/demo')
// What the bundle was made from; written only once the bundle is complete.
const stampPath = resolve(outdir, 'made-from.json')
// Not in any bundle's inputs, but they change what esbuild makes of them.
const settings = [
  'pnpm-lock.yaml',
  'tsconfig.json',
  'tsconfig.base.json',
  'scripts/bundle-from-source.mjs',
  'scripts/demo.mjs',
].map((file) => resolve(root, file))

function reusableBundle() {
  try {
    const stamp = JSON.parse(readFileSync(stampPath, 'utf8'))
    const fresh = stamp.node === process.version && existsSync(stamp.bundle)
    return fresh && stamp.fingerprint === fingerprint(stamp.files) ? stamp.bundle : undefined
  } catch {
    return undefined // no bundle yet
  }
}

async function makeBundle() {
  // The old bundle's chunks (named by their contents) would pile up.
  rmSync(outdir, { recursive: true, force: true })
  const { bundleFromSource } = await import('./bundle-from-source.mjs')
  const { bundle, sources } = await bundleFromSource(entry, outdir)
  const files = filesOfBundle(sources, settings)
  // esbuild compiles for this node version (its target).
  writeFileSync(stampPath, JSON.stringify({ bundle, node: process.version, files, fingerprint: fingerprint(files) }))
  return bundle
}

const bundle = reusableBundle() ?? (await makeBundle())
// Stack traces that name the .ts files, only when one is printed: with source maps on, node reads the map
// of every module it compiles (ECharts' too), about 0.2 s of the demo's 3 s.
if (process.env.KYSELY_MODELHUB_DEBUG) process.setSourceMapsEnabled(true)
const { runFromCommandLine } = await import(pathToFileURL(bundle).href)
await runFromCommandLine(process.argv.slice(2))
