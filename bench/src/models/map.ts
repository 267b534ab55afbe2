import type { SelectQueryBuilder } from 'kysely'
import type { BenchModel } from '../models.ts'

/**
 * A map helper's column per event, with the event's id: the stream the bench fingerprints is each
 * event's value, so the reference must agree event by event, and both send the same narrow rows.
 */
const perEvent = (q: SelectQueryBuilder<any, any, any>, column: string) => q.clearSelect().select(['event_id', column])

/** Every map helper of hub.map over all events, one column each. */
export const MAP_MODELS: readonly BenchModel[] = [
  {
    name: 'is-first-session',
    description: 'map.isFirstSession, per event',
    build: (hub) => perEvent(hub.map.isFirstSession(hub.events()), 'is_first_session'),
    usesSessions: true,
    perEvent: true,
  },
  {
    name: 'is-new-user',
    description: 'map.isNewUser, per event',
    build: (hub) => perEvent(hub.map.isNewUser(hub.events()), 'is_new_user'),
    usesSessions: true,
    perEvent: true,
  },
  {
    name: 'is-conversion-event',
    description: 'map.isConversionEvent, per event',
    build: (hub) => perEvent(hub.map.isConversionEvent(hub.events(), 'quickstart_presses'), 'is_conversion_event'),
    usesSessions: false,
    perEvent: true,
  },
  {
    name: 'conversions-counter',
    description: 'map.conversionsCounter per session, per event',
    build: (hub) => perEvent(hub.map.conversionsCounter(hub.events(), 'quickstart_presses'), 'converted'),
    usesSessions: true,
    perEvent: true,
  },
  {
    name: 'conversions-in-time',
    description: 'map.conversionsInTime per session, per event',
    build: (hub) => perEvent(hub.map.conversionsInTime(hub.events(), 'quickstart_presses'), 'conversions_in_time'),
    usesSessions: true,
    perEvent: true,
  },
  {
    name: 'pre-conversion-hit-number',
    description: 'map.preConversionHitNumber per session, per event',
    build: (hub) =>
      perEvent(hub.map.preConversionHitNumber(hub.events(), 'quickstart_presses'), 'pre_conversion_hit_number'),
    usesSessions: true,
    perEvent: true,
  },
  {
    name: 'time-agg',
    description: 'map.timeAgg (daily), per event',
    build: (hub) => perEvent(hub.map.timeAgg(hub.events()), 'time_aggregation'),
    usesSessions: false,
    perEvent: true,
  },
]
