import { readFileSync } from 'node:fs'
import { CompiledQuery, type Kysely } from 'kysely'
import type { BenchHub } from './models.ts'
import type { ObjectivModel } from './objectiv-models.ts'
import { median } from './run-model.ts'
import { differenceOf, RowDigest } from './same-answer.ts'

type Row = Record<string, unknown>

/** Ours against Objectiv's on one database. */
export interface ObjectivTiming {
  readonly model: string
  readonly bach: string
  readonly rows: number
  readonly oursMs: number
  readonly objectivMs: number
  /** Objectiv / ours: above 1 ours is faster. */
  readonly ratio: number
  readonly oursRunsMs: readonly number[]
  readonly objectivRunsMs: readonly number[]
}

/** bench/objectiv/<name>.sql. */
export function objectivSql(model: ObjectivModel): string {
  return readFileSync(new URL(`../objectiv/${model.name}.sql`, import.meta.url), 'utf8')
}

/** Bigint and numeric come back from Postgres as text: read them as numbers on both sides. */
const DECIMAL = /^-?\d+(\.\d+)?$/
function numeric(row: Row): Row {
  return Object.fromEntries(
    Object.entries(row).map(([k, v]) => [k, typeof v === 'string' && DECIMAL.test(v) ? Number(v) : v]),
  )
}

async function answer(db: Kysely<any>, query: CompiledQuery, perEvent: boolean): Promise<Row[] | RowDigest> {
  if (!perEvent) return (await db.executeQuery<Row>(query)).rows
  const digest = new RowDigest()
  for await (const chunk of db.getExecutor().stream<Row>(query, 10_000)) {
    for (const row of chunk.rows) digest.add(numeric(row))
  }
  return digest
}

/** Why ours and Objectiv's answers differ, or undefined when they hold the same rows. */
export async function objectivDifference(
  db: Kysely<any>,
  model: ObjectivModel,
  ours: CompiledQuery,
): Promise<string | undefined> {
  const wrap = (sql: string, by?: (sql: string) => string) => (by ? by(sql) : sql)
  const perEvent = model.perEvent === true
  const mine = await answer(db, CompiledQuery.raw(wrap(ours.sql, model.compare?.ours), [...ours.parameters]), perEvent)
  const theirs = await answer(db, CompiledQuery.raw(wrap(objectivSql(model), model.compare?.objectiv)), perEvent)
  if (mine instanceof RowDigest || theirs instanceof RowDigest) {
    const [a, b] = [(mine as RowDigest).value, (theirs as RowDigest).value]
    return a === b ? undefined : `fingerprints ${a} vs Objectiv's ${b}`
  }
  const reshaped = model.compare?.objectivRows ? model.compare.objectivRows(theirs) : theirs
  return differenceOf(mine.map(numeric), reshaped.map(numeric))
}

/** Runs a query to its last row, per-event results streamed; returns the wall time in ms. */
async function time(db: Kysely<any>, query: CompiledQuery, perEvent: boolean): Promise<{ ms: number; rows: number }> {
  const started = performance.now()
  let rows = 0
  if (perEvent) {
    for await (const chunk of db.getExecutor().stream(query, 10_000)) rows += chunk.rows.length
  } else rows = (await db.executeQuery(query)).rows.length
  return { ms: performance.now() - started, rows }
}

/**
 * Checks that both give the same answer (which also warms both up), then times `runs` runs of
 * each, taking turns so that both see the same machine load.
 */
export async function runObjectiv(
  db: Kysely<any>,
  hub: BenchHub,
  model: ObjectivModel,
  options: { readonly runs: number; readonly log: (line: string) => void },
): Promise<ObjectivTiming> {
  const ours = model.build(hub).compile()
  const theirs = CompiledQuery.raw(objectivSql(model))
  const differs = await objectivDifference(db, model, ours)
  if (differs) throw new Error(`${model.name}: ours and bench/objectiv/${model.name}.sql differ: ${differs}`)
  const perEvent = model.perEvent === true
  const oursRunsMs: number[] = []
  const objectivRunsMs: number[] = []
  let rows = 0
  for (let run = 0; run < options.runs; run++) {
    const mine = await time(db, ours, perEvent)
    rows = mine.rows
    oursRunsMs.push(mine.ms)
    objectivRunsMs.push((await time(db, theirs, perEvent)).ms)
  }
  const oursMs = median(oursRunsMs)
  const objectivMs = median(objectivRunsMs)
  const timing = {
    model: model.name,
    bach: model.bach,
    rows,
    oursMs,
    objectivMs,
    ratio: objectivMs / oursMs,
    oursRunsMs,
    objectivRunsMs,
  }
  options.log(
    `  ${model.name}: ours ${oursMs.toFixed(0)} ms, Objectiv ${objectivMs.toFixed(0)} ms (×${timing.ratio.toFixed(2)})`,
  )
  return timing
}
