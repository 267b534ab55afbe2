import { readFileSync } from 'node:fs'
import { CompiledQuery, type Kysely } from 'kysely'
import type { BenchHub, BenchModel } from './models.ts'
import { type PlanShape, planShape } from './plan-shape.ts'
import { differenceOf, RowDigest } from './same-answer.ts'

/** One model measured on one database. */
export interface ModelTiming {
  readonly model: string
  /** Median wall time of the runs, ms: sending the query and receiving every row. */
  readonly medianMs: number
  readonly runsMs: readonly number[]
  readonly rows: number
  /** Why the model's answer differs from the reference's; absent when they agree. */
  readonly difference?: string
  readonly reference?: {
    readonly medianMs: number
    readonly runsMs: readonly number[]
    /** model / reference: above 1 the model is slower. */
    readonly ratio: number
  }
  readonly plan: PlanShape
  readonly referencePlan?: PlanShape
}

/** The hand-written SQL that gives the model's answer. */
export function referenceSql(model: BenchModel): string {
  return readFileSync(new URL(`../reference/${model.name}.sql`, import.meta.url), 'utf8')
}

type Rows = Record<string, unknown>[]

/** Runs a query to its last row; per-event results are streamed (and only fingerprinted), others collected. */
async function execute(
  db: Kysely<any>,
  query: CompiledQuery,
  perEvent: boolean,
): Promise<{ ms: number; rows: number; result: Rows | RowDigest }> {
  const started = performance.now()
  if (perEvent) {
    const digest = new RowDigest()
    for await (const chunk of db.getExecutor().stream<Record<string, unknown>>(query, 10_000)) {
      for (const row of chunk.rows) digest.add(row)
    }
    return { ms: performance.now() - started, rows: digest.count, result: digest }
  }
  const { rows } = await db.executeQuery<Record<string, unknown>>(query)
  return { ms: performance.now() - started, rows: rows.length, result: rows }
}

/** Times only: streamed rows are counted, not hashed, so hashing does not count as query time. */
async function time(db: Kysely<any>, query: CompiledQuery, perEvent: boolean): Promise<number> {
  const started = performance.now()
  if (perEvent) {
    for await (const _chunk of db.getExecutor().stream(query, 10_000)) {
      // Only receiving the rows counts here.
    }
  } else await db.executeQuery(query)
  return performance.now() - started
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

export interface RunOptions {
  readonly runs: number
  /**
   * Whether the checked run is a warm-up, not timed (default). Without: it is the first timed run,
   * for samples larger than memory, where a warm-up warms nothing. A per-event model's checked run
   * also fingerprints every row.
   */
  readonly warmUp?: boolean
  /** Also time the hand-written reference and check it gives the same answer. */
  readonly reference: boolean
  readonly log: (line: string) => void
}

/**
 * A warm-up run (which also checks the model's answer against the reference's), then `runs`
 * timed runs of each, model and reference taking turns so that both see the same machine load.
 * Without the warm-up (options.warmUp false), the checked run is the first timed run.
 */
export async function runModel(
  db: Kysely<any>,
  hub: BenchHub,
  model: BenchModel,
  options: RunOptions,
): Promise<ModelTiming> {
  const query = model.build(hub).compile()
  const perEvent = model.perEvent === true
  const reference = options.reference
    ? CompiledQuery.raw(referenceSql(model), [...(model.referenceParameters?.() ?? [])])
    : undefined
  const warm = await execute(db, query, perEvent)
  let difference: string | undefined
  const expected = reference && (await execute(db, reference, perEvent))
  if (expected) {
    difference =
      warm.result instanceof RowDigest || expected.result instanceof RowDigest
        ? (warm.result as RowDigest).value === (expected.result as RowDigest).value
          ? undefined
          : `fingerprints ${(warm.result as RowDigest).value} vs the reference's ${(expected.result as RowDigest).value}`
        : differenceOf(warm.result, expected.result)
    if (difference)
      throw new Error(`${model.name}: the model and bench/reference/${model.name}.sql differ: ${difference}`)
  }
  const timedCheck = options.warmUp === false
  const runsMs: number[] = timedCheck ? [warm.ms] : []
  const referenceMs: number[] = timedCheck && expected ? [expected.ms] : []
  for (let run = timedCheck ? 1 : 0; run < options.runs; run++) {
    runsMs.push(await time(db, query, perEvent))
    if (reference) referenceMs.push(await time(db, reference, perEvent))
  }
  const medianMs = median(runsMs)
  const timing: ModelTiming = {
    model: model.name,
    medianMs,
    runsMs,
    rows: warm.rows,
    ...(difference ? { difference } : {}),
    plan: await planShape(db, query),
    ...(reference
      ? {
          reference: { medianMs: median(referenceMs), runsMs: referenceMs, ratio: medianMs / median(referenceMs) },
          referencePlan: await planShape(db, reference),
        }
      : {}),
  }
  const vs = timing.reference
    ? `, reference ${timing.reference.medianMs.toFixed(0)} ms (×${timing.reference.ratio.toFixed(2)})`
    : ''
  options.log(`  ${model.name}: ${medianMs.toFixed(0)} ms, ${timing.rows} rows${vs}`)
  return timing
}

export { median }
