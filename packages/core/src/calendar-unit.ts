import { invalid } from './errors.ts'

/** A UTC calendar unit for periods and truncation; weeks start on Monday. */
export type CalendarUnit = 'day' | 'week' | 'month' | 'year'

/** The calendar units every engine supports, for validating input. */
export const CALENDAR_UNITS: readonly CalendarUnit[] = ['day', 'week', 'month', 'year']

/**
 * A calendar unit checked at run time too, for engines that write it into SQL text: a value that
 * slipped past the types (plain JavaScript, `as any`) is an error, never SQL.
 */
export function checkCalendarUnit(unit: CalendarUnit): CalendarUnit {
  return CALENDAR_UNITS.includes(unit)
    ? unit
    : invalid('calendar unit', unit, `expected one of ${CALENDAR_UNITS.join(', ')}`)
}
