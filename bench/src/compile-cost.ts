import { createPostgresDb } from '@kysely-modelhub/postgres'
import { Bench } from 'tinybench'
import { type BenchModel, benchHub } from './models.ts'
import { median } from './run-model.ts'

export interface CompileCost {
  readonly model: string
  /** Median µs to build the model's query over `hub.events()` (which a hub builds once) and compile it to SQL. */
  readonly medianUs: number
  readonly iterations: number
}

/**
 * Building and compiling each model's query in-process: a Kysely from createPostgresDb connects
 * only when a query runs, so no database is involved.
 */
export async function compileCosts(models: readonly BenchModel[], log: (line: string) => void): Promise<CompileCost[]> {
  const db = createPostgresDb<any>({ connectionString: 'postgresql://localhost/compile-only' })
  try {
    const hub = benchHub(db)
    const bench = new Bench({ time: 1000, iterations: 2000, warmupIterations: 200 })
    for (const model of models) bench.add(model.name, () => void model.build(hub).compile())
    await bench.warmup()
    await bench.run()
    return bench.tasks.map((task) => {
      const samples = task.result?.samples ?? []
      const cost = { model: task.name, medianUs: median(samples) * 1000, iterations: samples.length }
      log(`  ${cost.model}: ${cost.medianUs.toFixed(0)} µs (${cost.iterations} iterations)`)
      return cost
    })
  } finally {
    await db.destroy()
  }
}
