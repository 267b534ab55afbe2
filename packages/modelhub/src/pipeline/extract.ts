import { DEFAULT_TIME_ZONE, type Engine } from '@kysely-modelhub/core'
import { type Expression, sql } from 'kysely'
import { addDays } from '../checks/dates.ts'
import { tableSource } from '../checks/table-name.ts'
import type { AnyKysely, AnyQuery } from '../hub/any-query.ts'
import { globalContextType } from './global-context-name.ts'

export interface ExtractOptions {
  readonly table: string
  readonly globalContexts: readonly string[]
  readonly identityResolution?: string
  readonly startDate?: string
  readonly endDate?: string
  /** The IANA zone whose calendar days startDate and endDate are (default 'UTC'). */
  readonly timeZone?: string
}

/**
 * The raw `data` rows as typed event columns. `value` is parsed once per row (`engine.parseJson`, a
 * no-op on jsonb), and the date window filters on `day` so its index is used. In a zone other
 * than UTC the window's days are local: the `day` range (the collector's UTC days) is widened by a
 * day each side, which holds every local day of any zone, then `moment`'s local day is filtered
 * exactly (docs/semantics.md §S1.4). Columns a query does not read are dropped by the planner, so
 * unread JSON is never parsed.
 *
 * Shape: select event_id, day, moment, cookie_id as user_id, v->'location_stack', … from
 *        (select *, parse_json(value) as v from data where day between … offset null) as raw offset null
 */
export function extractEvents(db: AnyKysely, engine: Engine, options: ExtractOptions): AnyQuery {
  let raw = db
    .selectFrom(tableSource(options.table, 'data'))
    .selectAll()
    .select((eb) => engine.parseJson(eb.ref('value')).as('v'))
  const zone = options.timeZone ?? DEFAULT_TIME_ZONE
  const pad = zone === DEFAULT_TIME_ZONE ? 0 : 1
  if (options.startDate) raw = raw.where('day', '>=', engine.date(addDays(options.startDate, -pad)))
  if (options.endDate) raw = raw.where('day', '<=', engine.date(addDays(options.endDate, pad)))
  if (pad > 0) raw = localDayWindow(raw, engine, sql.ref('moment'), zone, options)
  // Extracted here, below the sessionization sorts (computedOnce): they then carry the columns a
  // query reads, not the whole parsed event.
  const extracted = db.selectFrom(engine.computedOnce(raw).as('raw')).select((eb) => {
    const v = eb.ref('raw.v')
    const contexts = engine.jsonField(v, 'global_contexts')
    return [
      'raw.event_id',
      'raw.day',
      'raw.moment',
      eb.ref('raw.cookie_id').as('user_id'),
      engine.jsonFieldText(v, '_type').as('event_type'),
      engine.jsonArrayOrEmpty(engine.jsonField(v, '_types')).as('stack_event_types'),
      engine.jsonField(v, 'location_stack').as('location_stack'),
      ...options.globalContexts.map((name) => engine.jsonFilter(contexts, { _type: globalContextType(name) }).as(name)),
      ...(options.identityResolution === undefined
        ? []
        : [identityOf(engine, contexts, options.identityResolution).as('identity')]),
    ]
  })
  return engine.computedOnce(extracted)
}

/** Keeps the rows whose instant falls on a local day of the window (the instant's wall clock in `zone`). */
export function localDayWindow<Q extends AnyQuery>(
  query: Q,
  engine: Engine,
  instant: Expression<unknown>,
  zone: string,
  window: { readonly startDate?: string; readonly endDate?: string },
): Q {
  const day = engine.dayOf(engine.localTime(instant, zone))
  let filtered = query
  if (window.startDate) filtered = filtered.where(day, '>=', engine.date(window.startDate)) as Q
  if (window.endDate) filtered = filtered.where(day, '<=', engine.date(window.endDate)) as Q
  return filtered
}

/** `value|id` of the first IdentityContext with the given id in an event's global contexts. */
export function identityOf(engine: Engine, contexts: Expression<unknown>, id: string) {
  const first = engine.jsonElement(engine.jsonFilter(contexts, { _type: 'IdentityContext', id }), 0)
  return sql<string | null>`(${engine.jsonFieldText(first, 'value')} || '|' || ${engine.jsonFieldText(first, 'id')})`
}
