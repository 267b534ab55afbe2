// Bundles a TypeScript entry and the workspace packages it imports, from their current sources, into
// one ES module that plain node runs: loading it is about a second quicker than tsx's loader hooks
// compiling each source file on import. Used by scripts/demo.mjs.
import { readFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { build } from 'esbuild'

const WORKSPACE_SCOPE = '@kysely-modelhub/'
const SOURCE_CONDITION = '@kysely-modelhub/source'
// The name each bundled module's own import.meta becomes (esbuild renames it apart per module).
const MODULE_META = '__moduleMeta'

/**
 * Writes the bundle of `entry` into `outdir` (an ES module named after the entry, plus chunks for
 * dynamic imports, so what loads lazily from source still does). Returns the entry's path there
 * and the source files it was made from.
 */
export async function bundleFromSource(entry, outdir) {
  const result = await build({
    entryPoints: [entry],
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: `node${process.versions.node}`,
    conditions: [SOURCE_CONDITION],
    define: { 'import.meta': MODULE_META },
    plugins: [dependenciesInPlace, ownImportMeta],
    logLevel: 'warning',
    metafile: true,
    // Stack traces name the .ts files and lines (with source maps enabled), read from the disk.
    sourcemap: 'linked',
    sourcesContent: false,
  })
  const { inputs, outputs } = result.metafile
  const [output] = Object.keys(outputs).filter((path) => outputs[path].entryPoint)
  return { bundle: resolve(output), sources: Object.keys(inputs).map((path) => resolve(path)) }
}

/**
 * Other packages stay external, imported from where they are installed: pnpm does not hoist a
 * workspace package's own dependencies, so the bundle's directory could not find them by name.
 */
const dependenciesInPlace = {
  name: 'dependencies-in-place',
  setup(build) {
    const resolving = Symbol('resolving')
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.kind === 'entry-point' || args.pluginData === resolving) return undefined
      if (args.path.startsWith(WORKSPACE_SCOPE)) return undefined
      const found = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: resolving,
      })
      if (found.errors.length > 0) return { errors: found.errors }
      // Node's own modules (node:fs, fs) resolve to themselves.
      if (found.external) return { path: found.path, external: true }
      return { path: pathToFileURL(found.path).href, external: true }
    })
  },
}

/**
 * Each bundled source module keeps its own import.meta (url, dirname, filename), so what it finds
 * next to itself (createRequire, package.json, the repository's .cache/) is still found. Declared
 * on the module's first line, so the source's lines keep their numbers.
 */
const ownImportMeta = {
  name: 'own-import-meta',
  setup(build) {
    build.onLoad({ filter: /\.[cm]?ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8')
      if (!source.includes('import.meta')) return { contents: source, loader: 'ts' }
      const meta = { url: pathToFileURL(args.path).href, dirname: dirname(args.path), filename: args.path }
      return { contents: `const ${MODULE_META} = ${JSON.stringify(meta)};${source}`, loader: 'ts' }
    })
  },
}
