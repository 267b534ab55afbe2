#!/usr/bin/env node
// Counts the type escapes in the packages' sources (packages/*/src, packages/dialects/*/src):
// `any` type nodes, `as unknown as` double assertions and `as never` assertions, each per 1,000
// lines of code (lines holding a token; blank and comment-only lines do not count).
// Usage: node scripts/type-escapes.mjs [--files]   (--files lists the files that have escapes)
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import ts from 'typescript'

const roots = [
  ...readdirSync('packages', { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'dialects')
    .map((d) => join('packages', d.name, 'src')),
  ...readdirSync('packages/dialects').map((name) => join('packages/dialects', name, 'src')),
]

function sourceFiles(dir) {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.ts'))
      .map((e) => join(e.parentPath ?? e.path, e.name))
  } catch {
    return []
  }
}

/** Lines on which some token starts or which a multi-line token spans, comments and blanks excluded. */
function codeLines(source) {
  const lines = new Set()
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, source.text)
  for (let token = scanner.scan(); token !== ts.SyntaxKind.EndOfFileToken; token = scanner.scan()) {
    const first = source.getLineAndCharacterOfPosition(scanner.getTokenStart()).line
    const last = source.getLineAndCharacterOfPosition(scanner.getTokenEnd()).line
    for (let line = first; line <= last; line++) lines.add(line)
  }
  return lines.size
}

function escapes(source) {
  const found = { any: 0, unknownAs: 0, never: 0 }
  const visit = (node) => {
    if (node.kind === ts.SyntaxKind.AnyKeyword) found.any++
    if (ts.isAsExpression(node)) {
      const inner = ts.isParenthesizedExpression(node.expression) ? node.expression.expression : node.expression
      if (ts.isAsExpression(inner) && inner.type.kind === ts.SyntaxKind.UnknownKeyword) found.unknownAs++
      if (node.type.kind === ts.SyntaxKind.NeverKeyword) found.never++
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

const total = { lines: 0, any: 0, unknownAs: 0, never: 0 }
const perFile = []
for (const file of roots.flatMap(sourceFiles).sort()) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true)
  const found = escapes(source)
  total.lines += codeLines(source)
  for (const key of ['any', 'unknownAs', 'never']) total[key] += found[key]
  if (found.any + found.unknownAs + found.never > 0) perFile.push({ file, ...found })
}

const per1000 = (n) => ((n * 1000) / total.lines).toFixed(2)
if (process.argv.includes('--files')) {
  for (const f of perFile) console.log(`${f.file}: any ${f.any}, as unknown as ${f.unknownAs}, as never ${f.never}`)
}
console.log(`${total.lines} lines of code in ${roots.length} source folders`)
console.log(`any            ${String(total.any).padStart(4)}  ${per1000(total.any)} per 1,000 lines`)
console.log(`as unknown as  ${String(total.unknownAs).padStart(4)}  ${per1000(total.unknownAs)} per 1,000 lines`)
console.log(`as never       ${String(total.never).padStart(4)}  ${per1000(total.never)} per 1,000 lines`)
