/**
 * `pnpm bench`: each model's wall time against hand-written SQL for the same answer, its compile
 * cost, its plan shape, its growth from 100k events, and the memory streaming events() needs.
 * Prints a markdown table and writes bench/results/latest.json (latest-pglite.json for PGlite).
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, release, totalmem, type } from 'node:os'
import { fileURLToPath } from 'node:url'
import { Command, InvalidArgumentError, Option } from 'commander'
import { compileCosts } from './compile-cost.ts'
import { type BenchHub, type BenchModel, benchHub, selectModels } from './models.ts'
import { type BenchReport, markdownReport } from './report.ts'
import { type ModelTiming, runModel } from './run-model.ts'
import { openPgliteSample, openPostgresSample, type SampleDatabase, SHARED_BUFFERS, WORK_MEM } from './sample-cache.ts'

/** The smaller run for the growth factor: a tenth of 1M events, the sizes. */
const SCALING_FROM = 100_000
const MEMORY_LIMIT_MB = 200

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
  scaling: boolean
  scaleFrom?: number
  memory: boolean
  warmUp: boolean
}

const program = new Command('bench')
  .description("the models' speed against hand-written SQL, compile cost, plan shape, scaling and memory")
  .addOption(
    new Option('--engine <engine>', 'where the queries run').choices(['postgres', 'pglite']).default('postgres'),
  )
  .option('--events <n>', 'sample events (default 1,000,000 on postgres, 100,000 on pglite)', wholeNumber)
  .option('--runs <n>', 'timed runs per query, after a warm-up', wholeNumber, 5)
  .option('--models <names>', 'only these models, comma-separated', (v) => v.split(',').map((s) => s.trim()))
  .option('--no-scaling', 'skip the second, smaller run for the growth factor')
  .option(
    '--scale-from <n>',
    `events of the smaller run (default ${SCALING_FROM.toLocaleString('en-US')}, or a tenth of --events when that is fewer)`,
    wholeNumber,
  )
  .option('--no-memory', 'skip the streaming memory check')
  .option(
    '--no-warm-up',
    'time the checked run as the first (a sample larger than memory warms little); the smaller run for the growth factor still warms up',
  )

function machine(): BenchReport['machine'] {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    os: `${type()} ${release()}`,
  }
}

function streamRss(url: string): { rows: number; peakRssMb: number } {
  const script = fileURLToPath(new URL('./stream-rss.ts', import.meta.url))
  // The workspace's sources, as this process runs them: without the condition node would load the
  // packages' dist/, which may be older than the code under test.
  const out = execFileSync(process.execPath, ['--conditions=@kysely-modelhub/source', '--import', 'tsx', script, url], {
    encoding: 'utf8',
  })
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}')
}

/** What models need before they run on a database, e.g. the fitted model predict scores with. */
async function prepare(models: readonly BenchModel[], hub: BenchHub, log: (line: string) => void): Promise<void> {
  for (const model of models) {
    if (!model.prepare) continue
    log(`preparing ${model.name}…`)
    await model.prepare(hub)
  }
}

async function main(): Promise<void> {
  const flags = program.parse().opts<Flags>()
  const log = (line: string) => console.error(line)
  const models = selectModels(flags.models)
  const events = flags.events ?? (flags.engine === 'pglite' ? 100_000 : 1_000_000)
  const opened = new Set<SampleDatabase>()
  const open = async (n: number): Promise<SampleDatabase> => {
    const sample = await (flags.engine === 'pglite' ? openPgliteSample(n, log) : openPostgresSample(n, log))
    opened.add(sample)
    return sample
  }
  // An interrupted run still stops its server, so the cached cluster is not left running.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      Promise.allSettled([...opened].map((sample) => sample.close())).finally(() => process.exit(130))
    })
  }

  const sample = await open(events)
  let compile: BenchReport['compile'] = []
  let timings: ModelTiming[] = []
  let memory: BenchReport['memory']
  try {
    const hub = benchHub(sample.db)
    await prepare(models, hub, log)
    // After prepare: a model may need what it made (predict, the fitted model) to build its query.
    log('compile cost (no database):')
    compile = await compileCosts(models, log)
    log(`${events.toLocaleString('en-US')} events on ${sample.version}:`)
    for (const model of models) {
      timings.push(
        await runModel(sample.db, hub, model, { runs: flags.runs, warmUp: flags.warmUp, reference: true, log }),
      )
    }
    if (flags.memory && sample.url) {
      log('streaming events() in its own process…')
      try {
        memory = { ...streamRss(sample.url), limitMb: MEMORY_LIMIT_MB }
        log(`  peak RSS ${memory.peakRssMb.toFixed(0)} MB for ${memory.rows} rows`)
      } catch (error) {
        // Reported, not thrown: the timings measured so far are kept.
        memory = { rows: 0, peakRssMb: Number.NaN, limitMb: MEMORY_LIMIT_MB, error: String(error).slice(0, 500) }
        log(`  streaming failed: ${memory.error}`)
      }
    }
  } finally {
    await sample.close()
  }
  timings = [...timings]

  let scaling: BenchReport['scaling']
  const scaleFrom = flags.scaleFrom ?? Math.min(SCALING_FROM, Math.floor(events / 10))
  if (flags.scaling && scaleFrom >= 1 && events > scaleFrom) {
    const small = await open(scaleFrom)
    try {
      log(`${scaleFrom.toLocaleString('en-US')} events, for the growth factor:`)
      const hub = benchHub(small.db)
      await prepare(models, hub, log)
      const scaled = []
      for (const model of models) {
        const timing = await runModel(small.db, hub, model, {
          runs: flags.runs,
          reference: true,
          log,
        })
        const large = timings.find((t) => t.model === model.name)!
        const referenceGrowth =
          large.reference && timing.reference ? large.reference.medianMs / timing.reference.medianMs : undefined
        scaled.push({
          model: model.name,
          medianMs: timing.medianMs,
          growth: large.medianMs / timing.medianMs,
          ...(referenceGrowth === undefined ? {} : { referenceGrowth }),
        })
      }
      scaling = { fromEvents: scaleFrom, models: scaled }
    } finally {
      await small.close()
    }
  }

  const report: BenchReport = {
    date: new Date().toISOString(),
    command: `pnpm bench ${process.argv.slice(2).join(' ')}`.trim(),
    engine: flags.engine,
    database: sample.version,
    settings:
      flags.engine === 'postgres' ? `jit=off, shared_buffers=${SHARED_BUFFERS}, work_mem=${WORK_MEM}` : 'defaults',
    machine: machine(),
    events,
    runs: flags.runs,
    ...(flags.warmUp ? {} : { warmUp: false }),
    models: timings,
    compile,
    ...(scaling ? { scaling } : {}),
    ...(memory ? { memory } : {}),
  }
  const dir = new URL('../results/', import.meta.url)
  mkdirSync(dir, { recursive: true })
  const file = new URL(flags.engine === 'pglite' ? 'latest-pglite.json' : 'latest.json', dir)
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`)
  console.log(markdownReport(report))
  log(`\nwritten to ${fileURLToPath(file)}`)
  const differing = timings.filter((t) => t.difference)
  if (differing.length > 0) {
    throw new Error(`the reference SQL gives another answer for ${differing.map((t) => t.model).join(', ')}`)
  }
}

main().catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
})
