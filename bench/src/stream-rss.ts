/**
 * Streams every row of events() from the Postgres at argv[2] and prints, as JSON, the rows and
 * the peak resident set size of this process: run as its own process, so the figure is what a
 * program that streams the events needs, not what the benchmark has accumulated.
 */
import { createPostgresDb } from '@kysely-modelhub/postgres'
import { benchHub } from './models.ts'

const url = process.argv[2]
if (!url) throw new Error('usage: stream-rss.ts <postgres url>')
const db = createPostgresDb<any>({ connectionString: url, max: 1 })
let peak = process.memoryUsage().rss
const baseline = peak
let rows = 0
const sample = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss)
}, 20)
try {
  for await (const row of benchHub(db).events().stream(1000)) {
    rows++
    if (rows % 1000 === 0) peak = Math.max(peak, process.memoryUsage().rss)
    if (row.event_id === undefined) throw new Error('a row without event_id')
  }
} finally {
  clearInterval(sample)
  await db.destroy()
}
peak = Math.max(peak, process.memoryUsage().rss)
console.log(JSON.stringify({ rows, peakRssMb: peak / 2 ** 20, baselineRssMb: baseline / 2 ** 20 }))
