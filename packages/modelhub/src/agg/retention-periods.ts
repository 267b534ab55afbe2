import { type CalendarUnit, parseTimeFormat } from '@kysely-modelhub/core'
import { type Expression, type RawBuilder, sql } from 'kysely'
import type { HubContext } from '../hub/hub-context.ts'
import { localTime } from '../hub/time-zone.ts'

/** The length of a retention period (and of a cohort). */
export type RetentionTimePeriod = 'daily' | 'weekly' | 'monthly' | 'yearly'

/**
 * How periods after the cohort's start are counted: 'calendar' days, Monday weeks, months and
 * years, or 'elapsed' 24-hour, 7-day, 30-day and 365-day periods from the user's start event.
 */
export type RetentionPeriods = 'calendar' | 'elapsed'

export const TIME_PERIODS: Readonly<
  Record<RetentionTimePeriod, { readonly unit: CalendarUnit; readonly label: string; readonly elapsedSeconds: number }>
> = {
  daily: { unit: 'day', label: '%Y-%m-%d', elapsedSeconds: 86_400 },
  weekly: { unit: 'week', label: '%Y-%m-%d', elapsedSeconds: 7 * 86_400 },
  monthly: { unit: 'month', label: '%Y-%m', elapsedSeconds: 30 * 86_400 },
  yearly: { unit: 'year', label: '%Y', elapsedSeconds: 365 * 86_400 },
}

export const PERIOD_KINDS: Readonly<Record<RetentionPeriods, string>> = {
  calendar: 'calendar days, Monday weeks, months, years',
  elapsed: '24-hour, 7-day, 30-day, 365-day periods since the start event',
}

const DAY = parseTimeFormat('%Y-%m-%d')

/**
 * Every calendar or duration expression the retention matrix uses, in one place. Its arguments are
 * instants; calendar periods and days are those of the hub's time zone, elapsed periods are
 * durations. Cohorts are always calendar periods (labelled by them); `between` counts calendar or
 * elapsed periods.
 */
export interface RetentionClock {
  /** The cohort's name for the period holding `moment`: 'YYYY', 'YYYY-MM', or a day ('YYYY-MM-DD', a week by its Monday). */
  cohortLabel(moment: Expression<unknown>): RawBuilder<string>
  /** The cohort's name for a period start (from `periodStart`, so not converted again): as `cohortLabel`. */
  startLabel(start: Expression<unknown>): RawBuilder<string>
  /** The start of the calendar period holding `moment`, as the zone's wall-clock time. */
  periodStart(moment: Expression<unknown>): RawBuilder<Date>
  /** The calendar day of `moment` as 'YYYY-MM-DD', for startDate and endDate. */
  day(moment: Expression<unknown>): RawBuilder<string>
  /** Whole periods from `from` to `to`: calendar boundaries crossed, or elapsed periods completed. */
  between(from: Expression<unknown>, to: Expression<unknown>): RawBuilder<number>
  /** Calendar periods from one `periodStart` to another (already wall-clock times, so not converted again). */
  betweenStarts(from: Expression<unknown>, to: Expression<unknown>): RawBuilder<number>
  /** Whether `between` counts calendar periods (so period starts may stand for the moments in them). */
  readonly calendar: boolean
}

export function retentionClock(
  hub: HubContext,
  timePeriod: RetentionTimePeriod,
  kind: RetentionPeriods,
): RetentionClock {
  const { engine } = hub
  const { unit, label, elapsedSeconds } = TIME_PERIODS[timePeriod]
  const format = parseTimeFormat(label)
  const local = (moment: Expression<unknown>) => localTime(hub, moment)
  const betweenStarts = (from: Expression<unknown>, to: Expression<unknown>) => engine.startsBetween(from, to, unit)
  return {
    cohortLabel: (moment) =>
      engine.timeFormat(unit === 'week' ? engine.truncateTime(local(moment), 'week') : local(moment), format),
    startLabel: (start) => engine.timeFormat(start, format),
    periodStart: (moment) => engine.truncateTime(local(moment), unit),
    day: (moment) => engine.timeFormat(local(moment), DAY),
    between:
      kind === 'calendar'
        ? (from, to) => engine.calendarUnitsBetween(local(from), local(to), unit)
        : (from, to) => sql<number>`floor(${engine.epochSecondsBetween(from, to)} / ${sql.lit(elapsedSeconds)})`,
    betweenStarts,
    calendar: kind === 'calendar',
  }
}
