import { invalid } from '@kysely-modelhub/core'
import { tableAsRead } from '../checks/table-name.ts'
import type { HubContext } from '../hub/hub-context.ts'
import { SNOWPLOW_LOCATION_STACK_COLUMN, snowplowContextColumn } from '../pipeline/extract-snowplow.ts'

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
  const columns = await hub.engine.catalog.tableColumns(hub.db, tableAsRead(hub.db, settings.table))
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
