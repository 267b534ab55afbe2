/**
 * Type-checks every `@example` in the packages' doc comments, so the API reference shows code that
 * compiles. Each example becomes a module in .cache/doc-examples/ with the names of
 * scripts/example-preamble.ts and the exports of its own file in scope, and its body inside an
 * async function (examples may `await`); tsc's errors are reported at the example's own line.
 *
 * An example runs from its `@example` tag to the next block tag or the comment's end, as TypeDoc
 * reads it. Without a fenced block it is all code; with fenced blocks only those are code.
 *
 * Run: pnpm check:examples
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

interface CodeLine {
  readonly text: string
  /** 1-based line in the source file. */
  readonly line: number
}

interface Example {
  readonly file: string
  readonly lines: readonly CodeLine[]
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const outDir = join(root, '.cache', 'doc-examples')
const preamble = join(root, 'scripts', 'example-preamble.ts')
const sourceDirs = ['packages', 'packages/dialects']

const started = performance.now()
const examples = sourceFiles().flatMap((file) => examplesIn(file, readFileSync(file, 'utf8')))
const empty = examples.filter((e) => e.lines.every((l) => l.text.trim() === ''))
for (const e of empty) console.error(`${relative(root, e.file)}: an @example without code`)
if (examples.length === 0) console.error('no @example found under packages/*/src: is the search broken?')
if (examples.length === 0 || empty.length > 0) process.exit(1)
const options = compilerOptions()
const namesProgram = ts.createProgram([preamble, ...new Set(examples.map((e) => e.file))], options)
const exportsOf = exportNames(namesProgram)

rmSync(outDir, { recursive: true, force: true })
mkdirSync(outDir, { recursive: true })
const generated = new Map<string, { example: Example; firstCodeLine: number }>()
for (const [i, example] of examples.entries()) {
  const path = join(outDir, `${String(i + 1).padStart(3, '0')}-${basename(example.file, '.ts')}.ts`)
  const { text, firstCodeLine } = exampleModule(path, example)
  writeFileSync(path, text)
  generated.set(path, { example, firstCodeLine })
}

// Only the examples' own diagnostics: the packages themselves are checked by `pnpm typecheck`.
const program = ts.createProgram([...generated.keys()], options, undefined, namesProgram)
const diagnostics = [
  ...program.getOptionsDiagnostics(),
  ...program.getGlobalDiagnostics(),
  ...[...generated.keys()].flatMap((path) => {
    const source = program.getSourceFile(path)
    return source ? [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)] : []
  }),
]
for (const d of diagnostics) console.error(describe(d))
const seconds = ((performance.now() - started) / 1000).toFixed(1)
const files = new Set(examples.map((e) => e.file)).size
if (diagnostics.length > 0) {
  console.error(`${diagnostics.length} errors in the @examples (${examples.length} examples checked, ${seconds} s)`)
  process.exit(1)
}
console.log(`${examples.length} @examples from ${files} files type-check (${seconds} s)`)

function sourceFiles(): string[] {
  const files: string[] = []
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) files.push(path)
    }
  }
  for (const parent of sourceDirs) {
    for (const pkg of readdirSync(join(root, parent), { withFileTypes: true })) {
      const src = join(root, parent, pkg.name, 'src')
      if (pkg.isDirectory() && ts.sys.directoryExists(src)) walk(src)
    }
  }
  return files.sort()
}

/** The examples of one file's doc comments. */
function examplesIn(file: string, text: string): Example[] {
  const found: Example[] = []
  for (const comment of text.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
    const firstLine = text.slice(0, comment.index).split('\n').length
    const lines = comment[0].split('\n').map((raw, i) => ({ text: commentText(raw), line: firstLine + i }))
    for (let i = 0; i < lines.length; i++) {
      const tag = /^@example\b ?(.*)$/.exec(lines[i]?.text ?? '')
      if (!tag) continue
      const body: CodeLine[] = [{ text: tag[1] ?? '', line: lines[i]?.line ?? 0 }]
      while (i + 1 < lines.length && !/^@\w/.test(lines[i + 1]?.text ?? '')) body.push(lines[++i] as CodeLine)
      found.push({ file, lines: codeOf(body) })
    }
  }
  return found
}

/** A comment line without its `/**`, ` * ` or `*\/`. */
function commentText(raw: string): string {
  return raw
    .replace(/^\s*\/\*\*\s?/, '')
    .replace(/\s*\*\/\s*$/, '')
    .replace(/^\s*\* ?/, '')
}

/** The code of an example: its fenced blocks if it has any, else all of it (as TypeDoc shows it). */
function codeOf(body: readonly CodeLine[]): CodeLine[] {
  const fenced = body.filter((l) => /^```/.test(l.text.trim()))
  if (fenced.length === 0) return trimBlank(body)
  const code: CodeLine[] = []
  let inside = false
  for (const l of body) {
    if (/^```/.test(l.text.trim())) inside = !inside
    else if (inside) code.push(l)
  }
  return code
}

function trimBlank(lines: readonly CodeLine[]): CodeLine[] {
  let start = 0
  let end = lines.length
  while (start < end && lines[start]?.text.trim() === '') start++
  while (end > start && lines[end - 1]?.text.trim() === '') end--
  return lines.slice(start, end)
}

/** The example as a module: preamble names and its file's exports imported, the code in a function. */
function exampleModule(path: string, example: Example): { text: string; firstCodeLine: number } {
  const own = exportsOf.get(example.file) ?? new Map<string, boolean>()
  const shared = [...(exportsOf.get(preamble) ?? [])].filter(([name]) => !own.has(name))
  const head = [
    `// ${relative(root, example.file)}:${example.lines[0]?.line}, written by scripts/check-examples.ts`,
    importLine(path, preamble, shared),
    importLine(path, example.file, [...own]),
    'export async function example() {',
  ].filter((line) => line !== '')
  const text = [...head, ...example.lines.map((l) => l.text), '}', ''].join('\n')
  return { text, firstCodeLine: head.length }
}

function importLine(from: string, to: string, names: readonly (readonly [string, boolean])[]): string {
  if (names.length === 0) return ''
  const specifiers = names.map(([name, isValue]) => (isValue ? name : `type ${name}`))
  const target = relative(dirname(from), to).replaceAll('\\', '/')
  return `import { ${specifiers.join(', ')} } from '${target.startsWith('.') ? target : `./${target}`}'`
}

/** Each file's exported names, and whether each is a value (else a type only). */
function exportNames(program: ts.Program): Map<string, Map<string, boolean>> {
  const checker = program.getTypeChecker()
  const names = new Map<string, Map<string, boolean>>()
  for (const file of program.getRootFileNames()) {
    const source = program.getSourceFile(file)
    const module = source && checker.getSymbolAtLocation(source)
    const exported = new Map<string, boolean>()
    for (const symbol of module ? checker.getExportsOfModule(module) : []) {
      exported.set(symbol.name, isValue(checker, symbol))
    }
    names.set(file, exported)
  }
  return names
}

/** A value export, usable in code; one re-exported by `export type` anywhere on its way is a type only. */
function isValue(checker: ts.TypeChecker, symbol: ts.Symbol): boolean {
  let current: ts.Symbol | undefined = symbol
  while (current && current.flags & ts.SymbolFlags.Alias) {
    if (current.declarations?.some((d) => ts.isTypeOnlyImportOrExportDeclaration(d))) return false
    current = checker.getImmediateAliasedSymbol(current)
  }
  return current !== undefined && (current.flags & ts.SymbolFlags.Value) !== 0
}

/** The repository's compiler options (workspace packages resolved to their source). */
function compilerOptions(): ts.CompilerOptions {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(root, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'))
      },
    },
  )
  if (!config) throw new Error('tsconfig.json could not be read')
  return { ...config.options, noEmit: true }
}

/** A diagnostic at the example's own line when it is in an example. */
function describe(d: ts.Diagnostic): string {
  const message = ts.flattenDiagnosticMessageText(d.messageText, '\n')
  if (!d.file || d.start === undefined) return `error TS${d.code}: ${message}`
  const at = d.file.getLineAndCharacterOfPosition(d.start)
  const module = generated.get(resolve(d.file.fileName))
  const source = module?.example.lines[at.line - module.firstCodeLine]
  if (!module || !source) {
    return `${relative(root, d.file.fileName)}:${at.line + 1}:${at.character + 1} - error TS${d.code}: ${message}`
  }
  return `${relative(root, module.example.file)}:${source.line} - error TS${d.code} in @example: ${message}\n    ${source.text.trim()}`
}
