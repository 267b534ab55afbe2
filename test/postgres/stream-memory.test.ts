import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { sql } from 'kysely'
import { expect, it } from 'vitest'
import { describeOnPostgresServer } from '../support/engines.ts'

// A full garbage collection on demand, without starting the test process with --expose-gc.
setFlagsFromString('--expose-gc')
const collectGarbage = runInNewContext('gc') as () => void

describeOnPostgresServer('streaming keeps no batch it has handed over', (ctx) => {
  it('lets every streamed batch be collected once the caller is done with it (no growth with the rows)', async () => {
    const batches: WeakRef<object>[] = []
    let rows = 0
    const query = sql<{ n: number }>`select n from generate_series(1, 20000) as n`.compile(ctx.db)
    for await (const chunk of ctx.db.getExecutor().stream(query, 500)) {
      batches.push(new WeakRef(chunk.rows))
      rows += chunk.rows.length
    }
    collectGarbage()
    expect(rows).toBe(20_000)
    // A listener left on the connection per read kept each read's rows alive: 10M streamed events
    // ran the heap out of its 4 GB.
    expect(batches.filter((batch) => batch.deref() !== undefined).length).toBeLessThanOrEqual(1)
  })
})
