/**
 * The windows in a compiled query that have no PARTITION BY and run over rows of the events: BigQuery
 * computes such a window on one worker, which fails on a large table ("Resources exceeded").
 *
 * Two kinds of unpartitioned window are bounded by something else and allowed:
 * - over groups: the window sits in a SELECT with GROUP BY, so it sees one row per group;
 * - over an array's elements: the SELECT reads FROM UNNEST(…), one row's location stack.
 *
 * A small reader of the SQL text, good for what the hub generates: string literals and quoted names
 * are blanked first, so their contents cannot look like parentheses or keywords.
 */
export function unpartitionedWindows(sql: string): string[] {
  const text = sql
    .toLowerCase()
    .replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`(?:[^`\\]|\\.)*`/g, (quoted) => ' '.repeat(quoted.length))
  const closing = matchingParentheses(text)
  const found: string[] = []
  for (const over of text.matchAll(/\bover\s*\(/g)) {
    const open = over.index + over[0].length - 1
    const clause = text.slice(open + 1, closing.get(open))
    if (/\bpartition\s+by\b/.test(clause)) continue
    const scope = topLevel(text, closing, enclosingQuery(text, closing, open))
    if (/\bgroup\s+by\b/.test(scope) || /\bfrom\s+unnest\s*\(/.test(scope)) continue
    found.push(sql.slice(Math.max(0, over.index - 60), (closing.get(open) ?? over.index) + 1).trim())
  }
  return found
}

/** Each "(" position with the position of its ")". */
function matchingParentheses(text: string): Map<number, number> {
  const closing = new Map<number, number>()
  const open: number[] = []
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') open.push(i)
    else if (text[i] === ')') closing.set(open.pop()!, i)
  }
  return closing
}

/** The innermost parenthesised SELECT (or WITH) holding `position`, as [start, end); else the whole text. */
function enclosingQuery(text: string, closing: Map<number, number>, position: number): [number, number] {
  let best: [number, number] = [0, text.length]
  for (const [open, close] of closing) {
    if (
      open < position &&
      close > position &&
      open >= best[0] &&
      /^\(\s*(select|with)\b/.test(text.slice(open, open + 12))
    )
      best = [open + 1, close]
  }
  return best
}

/** The text of [start, end) without what nested parentheses hold: the clauses of that SELECT itself. */
function topLevel(text: string, closing: Map<number, number>, [start, end]: [number, number]): string {
  let out = ''
  for (let i = start; i < end; i++) {
    const close = text[i] === '(' ? closing.get(i) : undefined
    if (close !== undefined) {
      out += '()'
      i = close
    } else out += text[i]
  }
  return out
}
