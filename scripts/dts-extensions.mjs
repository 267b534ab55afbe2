#!/usr/bin/env node
// Sources import each other as './x.ts'. tsc's rewriteRelativeImportExtensions turns those into
// './x.js' in the emitted JavaScript but leaves the .d.ts files as written, and a consumer's tsc
// without allowImportingTsExtensions must see './x.js' there too. Same length, so the
// declaration maps stay valid. Usage: node scripts/dts-extensions.mjs <dist dir>
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const RELATIVE_TS = /((?:from\s+|import\s*\(\s*)['"]\.{1,2}\/[^'"]*)\.ts(['"])/g

const dir = process.argv[2]
if (!dir) throw new Error('usage: node scripts/dts-extensions.mjs <dist dir>')
let changed = 0
for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith('.d.ts')) continue
  const file = join(entry.parentPath ?? entry.path, entry.name)
  const text = readFileSync(file, 'utf8')
  const fixed = text.replace(RELATIVE_TS, '$1.js$2')
  if (fixed !== text) {
    writeFileSync(file, fixed)
    changed++
  }
}
console.log(`${dir}: .js specifiers in ${changed} declaration files`)
