/**
 * `pnpm --filter @kysely-modelhub/bench explain <model> [--engine pglite] [--events N] [--sql]`:
 * EXPLAIN ANALYZE of a model's query and of its hand-written reference on the cached sample, the
 * input for finding what makes a model slower than its reference.
 */
import { Command, InvalidArgumentError, Option } from 'commander'
import { CompiledQuery, type Kysely } from 'kysely'
import { benchHub, selectModels } from './models.ts'
import { referenceSql } from './run-model.ts'
import { openPgliteSample, openPostgresSample } from './sample-cache.ts'

const wholeNumber = (value: string): number => {
  const n = Number(value.replaceAll('_', ''))
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number >= 1')
  return n
}

const program = new Command('explain')
  .argument('<models>', 'bench model names, comma-separated')
  .addOption(new Option('--engine <engine>', 'where the queries run').choices(['postgres', 'pglite']).default('pglite'))
  .option('--events <n>', 'sample events (default 50,000)', wholeNumber, 50_000)
  .option('--sql', "also print the model's SQL")

async function explainAnalyze(db: Kysely<any>, query: CompiledQuery): Promise<string> {
  const explained = CompiledQuery.raw(`explain (analyze, costs off, buffers off) ${query.sql}`, [...query.parameters])
  const { rows } = await db.executeQuery<{ 'QUERY PLAN': string }>(explained)
  return rows.map((row) => row['QUERY PLAN']).join('\n')
}

async function main(): Promise<void> {
  program.parse()
  const flags = program.opts<{ engine: 'postgres' | 'pglite'; events: number; sql?: boolean }>()
  const models = selectModels(program.args[0]?.split(','))
  const log = (line: string) => console.error(line)
  const sample = await (flags.engine === 'pglite' ? openPgliteSample : openPostgresSample)(flags.events, log)
  try {
    const hub = benchHub(sample.db)
    for (const model of models) {
      await model.prepare?.(hub)
      const query = model.build(hub).compile()
      if (flags.sql) console.log(`-- ${model.name}: SQL\n${query.sql}\n`)
      console.log(`-- ${model.name}: model\n${await explainAnalyze(sample.db, query)}\n`)
      const reference = CompiledQuery.raw(referenceSql(model), [...(model.referenceParameters?.() ?? [])])
      console.log(`-- ${model.name}: reference\n${await explainAnalyze(sample.db, reference)}\n`)
    }
  } finally {
    await sample.close()
  }
}

main().catch((error: unknown) => {
  console.error(`explain: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
})
