import { type JsonMatch, matchesJs } from '@kysely-modelhub/core'
import type { SampleEventRow } from '@kysely-modelhub/sample-data'
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely'

type Predicate = (eb: ExpressionBuilder<any, 'events'>) => Expression<SqlBool>
/** A step both ways: for the SQL model, and for the reference over a raw row. */
export interface PoolStep {
  readonly id: string
  readonly step: JsonMatch | Predicate
  readonly js: (row: SampleEventRow) => boolean
}
const onStack = (id: string, match: JsonMatch): PoolStep => ({
  id,
  step: match,
  js: (row) => row.value.location_stack.some((c) => matchesJs(c as Record<string, unknown>, match)),
})
const ofType = (type: string): PoolStep => ({
  id: type,
  step: (eb) => eb('event_type', '=', type),
  js: (row) => row.value._type === type,
})
/** Steps of objectiv.io's sample data, common and rare ones. */
export const POOL: readonly PoolStep[] = [
  onStack('home', { _type: 'RootLocationContext', id: 'home' }),
  onStack('quickstart page', { _type: 'RootLocationContext', id: 'quickstart-guide' }),
  onStack('quickstart link', { id: 'Quickstart Guide' }),
  onStack('docs sidebar', { _type: 'NavigationContext', id: 'docs-sidebar' }),
  onStack('taxonomy page', { _type: 'RootLocationContext', id: 'taxonomy' }),
  ofType('PressEvent'),
  ofType('ApplicationLoadedEvent'),
]
