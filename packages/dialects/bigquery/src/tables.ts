import type { EngineCatalog, EngineTables } from '@kysely-modelhub/core'
import { sql } from 'kysely'

/** BigQuery table names: `events`, `dataset.events` or `project.dataset.events`; BigQuery keeps every name whole. */
export const bigqueryTables: EngineTables = {
  defaultName: 'events',
  shapes: ['events', 'dataset.events', 'project.dataset.events'],
  nameProblem: () => undefined,
  // The driver ends the connection's session on release (bigquery-driver.ts), and its tables with it.
  temporaryEndWithConnection: true,
}

/** The BigQuery catalog: INFORMATION_SCHEMA.COLUMNS of the table's dataset (or of the default one). */
export const bigqueryCatalog: EngineCatalog = {
  async tableColumns(db, table) {
    const parts = table.split('.')
    const name = parts.pop() as string
    const columns = parts.length ? sql`${sql.id(...parts)}.INFORMATION_SCHEMA.COLUMNS` : sql`INFORMATION_SCHEMA.COLUMNS`
    const { rows } = await sql<{
      column_name: string
    }>`select column_name from ${columns} where table_name = ${name}`.execute(db)
    return rows.length ? rows.map((r) => r.column_name) : undefined
  },
}
