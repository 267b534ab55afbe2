/**
 * `pnpm bench:objectiv`: the notebook's models against the SQL Objectiv's Bach generates for the same
 * questions (bench/objectiv/*.sql), on the same sample events, taking turns. Prints each model's
 * Objectiv/ours ratio and their geometric mean; writes bench/results/objectiv-<engine>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, release, totalmem, type } from 'node:os'
import { fileURLToPath } from 'node:url'
import { Command, InvalidArgumentError, Option } from 'commander'
import { benchHub } from './models.ts'
import { selectObjectivModels } from './objectiv-models.ts'
import { type ObjectivTiming, runObjectiv } from './objectiv-run.ts'
import { CACHE_DIR, openPgliteSample, openPostgresSample, SHARED_BUFFERS, WORK_MEM } from './sample-cache.ts'

const wholeNumber = (value: string): number => {
  const n = Number(value.replaceAll('_', ''))
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number >= 1')
  return n
}

interface Flags {
  engine: 'postgres' | 'pglite'
  events?: number
  runs: number
  models?: string[]
}

const program = new Command('bench:objectiv')
  .description("the notebook's models against Objectiv's generated SQL for the same questions")
  .addOption(
    new Option('--engine <engine>', 'where the queries run').choices(['postgres', 'pglite']).default('postgres'),
  )
  .option('--events <n>', 'sample events (default 1,000,000 on postgres, 50,000 on pglite)', wholeNumber)
  .option('--runs <n>', 'timed runs of each query, after the same-answer check', wholeNumber, 5)
  .option('--models <names>', 'only these models, comma-separated', (v) => v.split(',').map((s) => s.trim()))

export interface ObjectivReport {
  readonly date: string
  readonly command: string
  readonly engine: 'postgres' | 'pglite'
  readonly database: string
  readonly settings: string
  readonly machine: { cpus: number; cpuModel: string; memoryGb: number; node: string; os: string }
  readonly events: number
  readonly runs: number
  readonly models: readonly ObjectivTiming[]
  /** Geometric mean of the ratios Objectiv / ours. */
  readonly geomean: number
}

const geometricMean = (values: readonly number[]): number =>
  Math.exp(values.reduce((sum, v) => sum + Math.log(v), 0) / values.length)

function markdown(report: ObjectivReport): string {
  const lines = [
    `${report.events.toLocaleString('en-US')} events on ${report.database} (${report.settings}), median of ${report.runs}:`,
    '',
    '| model | Bach call | ours ms | Objectiv ms | Objectiv / ours |',
    '| --- | --- | ---: | ---: | ---: |',
    ...report.models.map(
      (m) =>
        `| ${m.model} | \`${m.bach}\` | ${m.oursMs.toFixed(0)} | ${m.objectivMs.toFixed(0)} | ${m.ratio.toFixed(2)} |`,
    ),
    `| **geometric mean** | | | | **${report.geomean.toFixed(2)}** |`,
  ]
  return lines.join('\n')
}

async function main(): Promise<void> {
  const flags = program.parse().opts<Flags>()
  const log = (line: string) => console.error(line)
  const models = selectObjectivModels(flags.models)
  const events = flags.events ?? (flags.engine === 'pglite' ? 50_000 : 1_000_000)
  mkdirSync(CACHE_DIR, { recursive: true })
  const sample = await (flags.engine === 'pglite' ? openPgliteSample(events, log) : openPostgresSample(events, log))
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      sample.close().finally(() => process.exit(130))
    })
  }
  const timings: ObjectivTiming[] = []
  try {
    log(`${events.toLocaleString('en-US')} events on ${sample.version}, ours vs Objectiv's SQL:`)
    const hub = benchHub(sample.db)
    for (const model of models) timings.push(await runObjectiv(sample.db, hub, model, { runs: flags.runs, log }))
  } finally {
    await sample.close()
  }
  const report: ObjectivReport = {
    date: new Date().toISOString(),
    command: `pnpm bench:objectiv ${process.argv.slice(2).join(' ')}`.trim(),
    engine: flags.engine,
    database: sample.version,
    settings:
      flags.engine === 'postgres' ? `jit=off, shared_buffers=${SHARED_BUFFERS}, work_mem=${WORK_MEM}` : 'defaults',
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
      memoryGb: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      os: `${type()} ${release()}`,
    },
    events,
    runs: flags.runs,
    models: timings,
    geomean: geometricMean(timings.map((t) => t.ratio)),
  }
  const dir = new URL('../results/', import.meta.url)
  mkdirSync(dir, { recursive: true })
  const file = new URL(`objectiv-${flags.engine}.json`, dir)
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`)
  console.log(markdown(report))
  log(`\nwritten to ${fileURLToPath(file)}`)
}

main().catch((error: unknown) => {
  console.error(`bench:objectiv: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
})
