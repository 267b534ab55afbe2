// Prints the longest functions of the packages' source, to keep each one short enough to review.
// Usage: node scripts/longest-functions.mjs [how many, default 15]
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import ts from 'typescript'

const roots = [
  ...readdirSync('packages').map((p) => join('packages', p, 'src')),
  ...readdirSync('packages/dialects').map((p) => join('packages/dialects', p, 'src')),
]

function* sourceFiles(dir) {
  let entries
  try {
    entries = readdirSync(dir, { withFileTypes: true })
  } catch {
    return // a package without src/ (e.g. the dialects folder itself)
  }
  for (const entry of entries) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) yield* sourceFiles(path)
    else if (/\.tsx?$/.test(entry.name) && !/\.d\.ts$/.test(entry.name)) yield path
  }
}

/** A readable name: the declaration's own, or the variable, property or call it is assigned to. */
function nameOf(node) {
  if (node.name) return node.name.getText()
  const parent = node.parent
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent))
    return parent.name.getText()
  if (ts.isCallExpression(parent)) return `(argument of ${parent.expression.getText().slice(0, 30)})`
  return '(anonymous)'
}

const found = []
for (const file of roots.flatMap((root) => [...sourceFiles(root)])) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true)
  const visit = (node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const line = (pos) => source.getLineAndCharacterOfPosition(pos).line
      found.push({
        name: nameOf(node),
        file,
        line: line(node.getStart()) + 1,
        lines: line(node.end) - line(node.getStart()) + 1,
      })
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
}

const top = found.sort((a, b) => b.lines - a.lines).slice(0, Number(process.argv[2] ?? 15))
for (const f of top) console.log(`${String(f.lines).padStart(4)}  ${f.name}  ${f.file}:${f.line}`)
