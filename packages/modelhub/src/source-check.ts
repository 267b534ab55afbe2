import { invalid } from '@kysely-modelhub/core'
import { sql } from 'kysely'
import type { AnyKysely } from './any-query.ts'
import type { HubContext } from './hub-context.ts'
import { SNOWPLOW_LOCATION_STACK_COLUMN, snowplowContextColumn } from './pipeline/extract-snowplow.ts'
import { tableAsRead } from './table-name.ts'

/** What decides the columns read. */
export interface SourceSettings {
  readonly layout: 'objectiv' | 'snowplow'
  readonly globalContexts: readonly string[]
  readonly identityResolution?: string | undefined
}

/** The columns the events pipeline reads from the table, for the hub's layout and options. */
export function requiredColumns(settings: SourceSettings): string[] {
  if (settings.layout !== 'snowplow') return ['event_id', 'day', 'moment', 'cookie_id', 'value']
  const contexts = [...settings.globalContexts, ...(settings.identityResolution === undefined ? [] : ['identity'])]
  return [
    'event_id',
    'collector_tstamp',
    'true_tstamp',
    'network_userid',
    'domain_sessionid',
    'se_action',
    'se_category',
    SNOWPLOW_LOCATION_STACK_COLUMN,
    ...new Set(contexts.map(snowplowContextColumn)),
  ]
}

/** A Postgres relation name as to_regclass reads it: each part a quoted identifier. */
const regclassText = (table: string) =>
  table
    .split('.')
    .map((part) => `"${part.replaceAll('"', '""')}"`)
    .join('.')

/** The table's columns, or undefined when there is no such table (one catalog query). */
async function columnsOfTable(db: AnyKysely, engine: string, table: string): Promise<string[] | undefined> {
  if (engine === 'bigquery') {
    const parts = table.split('.')
    const name = parts.pop() as string
    const schema = parts.length ? sql`${sql.id(...parts)}.INFORMATION_SCHEMA.COLUMNS` : sql`INFORMATION_SCHEMA.COLUMNS`
    const { rows } = await sql<{
      column_name: string
    }>`select column_name from ${schema} where table_name = ${name}`.execute(db)
    return rows.length ? rows.map((r) => r.column_name) : undefined
  }
  // to_regclass and pg_attribute need no privilege on the table itself.
  const { rows } = await sql<{ found: boolean; columns: string[] }>`select r.oid is not null as found,
    array(select a.attname::text from pg_attribute a where a.attrelid = r.oid and a.attnum > 0 and not a.attisdropped order by a.attnum) as columns
    from (select to_regclass(${regclassText(table)}) as oid) as r`.execute(db)
  return rows[0]?.found ? rows[0].columns : undefined
}

/**
 * Checks, in one catalog query, that the hub's table exists and has every column the events
 * pipeline reads; throws a ModelHubInputError naming the table and the missing columns. Models do
 * not run it themselves (it would cost every model a round trip): call `hub.check()` once, e.g.
 * when a service starts.
 */
export async function checkSource(
  hub: HubContext,
  settings: SourceSettings & { readonly table: string },
): Promise<void> {
  const columns = await columnsOfTable(hub.db, hub.engine.name, tableAsRead(hub.db, settings.table))
  const layout = settings.layout === 'snowplow' ? 'snowplow' : 'objectiv'
  if (columns === undefined) {
    invalid(
      'option "table"',
      settings.table,
      `no such table is visible to this connection; the ${layout} layout reads a table with columns ${requiredColumns(settings).join(', ')}`,
    )
  }
  const missing = requiredColumns(settings).filter((column) => !columns.includes(column))
  if (missing.length > 0) {
    invalid(
      'option "table"',
      settings.table,
      `the table lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} that the ${layout} layout reads (it has ${columns.join(', ') || 'no columns'})`,
    )
  }
}
