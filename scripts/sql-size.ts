/**
 * `pnpm sql-size`: how long each model's exported SQL is (characters other than whitespace, on
 * Postgres), the benchmarked ones next to their hand-written reference, as markdown tables
 * (docs/performance.md, "The SQL a model exports").
 */
import { benchSqlSizes, everyModelSqlSize } from '../test/sql/sql-sizes.ts'

console.log('| model | exported | hand-written | ratio |')
console.log('| --- | ---: | ---: | ---: |')
for (const row of await benchSqlSizes()) {
  console.log(`| ${row.model} | ${row.exported} | ${row.reference} | ${row.ratio.toFixed(1)}× |`)
}
console.log('\n| model (test/sql) | exported |')
console.log('| --- | ---: |')
for (const row of await everyModelSqlSize()) console.log(`| ${row.model} | ${row.exported} |`)
