import { invalid } from '@kysely-modelhub/core'

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/

/** `day` ± `days` as 'YYYY-MM-DD'. */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)
}

/** Checks a 'YYYY-MM-DD' calendar date (2022-02-30 is not one). */
export function checkDay(what: string, value: unknown): string {
  const match = typeof value === 'string' ? ISO_DAY.exec(value) : null
  if (match) {
    const [, y, m, d] = match.map(Number) as [number, number, number, number]
    const date = new Date(Date.UTC(y, m - 1, d))
    if (date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d) return value as string
  }
  return invalid(what, value, "expected a calendar date written 'YYYY-MM-DD', e.g. '2022-03-01'")
}

/** Checks an inclusive window of days. */
export function checkDayWindow(window: { startDate?: string; endDate?: string }): {
  startDate?: string
  endDate?: string
} {
  const startDate = window.startDate === undefined ? undefined : checkDay('startDate', window.startDate)
  const endDate = window.endDate === undefined ? undefined : checkDay('endDate', window.endDate)
  if (startDate && endDate && endDate < startDate) {
    invalid('endDate', endDate, `it is before startDate ${startDate}; both are inclusive, so use endDate >= startDate`)
  }
  return { ...(startDate ? { startDate } : {}), ...(endDate ? { endDate } : {}) }
}
