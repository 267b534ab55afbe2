/**
 * The ordered-steps funnel in plain TypeScript: what `hub.funnel.orderedSteps` must return on the
 * same events. Deliberately naive (loops over every start and every candidate) so it is easy to trust.
 */
export interface FunnelRefEvent {
  /** The funnel's user; null rows are left out. */
  readonly user: string | null
  readonly moment: Date
  /** The group of a funnel started at this event (null: not a start); '' when ungrouped. */
  readonly key: string | null
  /** Whether the event matches each step. */
  readonly matches: readonly boolean[]
}

export interface FunnelRefOptions {
  /** Per step: whether it repeats an earlier step's definition (then it must come strictly later). */
  readonly repeats: readonly boolean[]
  readonly windowSeconds?: number
}

export interface FunnelRefRow {
  key: string
  step: number
  n_users: number
  step_conversion_rate: number | null
  full_conversion_rate: number
}

/** The furthest step a funnel started at `start` reaches among `events` (the user's). */
export function furthestStep(
  events: readonly FunnelRefEvent[],
  start: FunnelRefEvent,
  options: FunnelRefOptions,
): number {
  const steps = start.matches.length
  let at = start.moment.getTime()
  let reached = 1
  for (let i = 1; i < steps; i++) {
    // The earliest event of step i+1 not before the previous step (strictly after it for a repeated step).
    let next: number | undefined
    for (const e of events) {
      const t = e.moment.getTime()
      if (!e.matches[i] || (options.repeats[i] ? t <= at : t < at)) continue
      if (next === undefined || t < next) next = t
    }
    if (next === undefined) break
    if (options.windowSeconds !== undefined && (next - start.moment.getTime()) / 1000 > options.windowSeconds) break
    at = next
    reached = i + 1
  }
  return reached
}

/** Per group and step: users reaching steps 1 … step in order; a user counts in the group of their best start. */
export function orderedStepsReference(events: readonly FunnelRefEvent[], options: FunnelRefOptions): FunnelRefRow[] {
  const byUser = new Map<string, FunnelRefEvent[]>()
  for (const e of events) {
    if (e.user === null) continue
    byUser.set(e.user, [...(byUser.get(e.user) ?? []), e])
  }
  const reachedPerKey = new Map<string, number[]>()
  for (const userEvents of byUser.values()) {
    let best: { reached: number; start: FunnelRefEvent } | undefined
    for (const start of userEvents) {
      if (!start.matches[0] || start.key === null) continue
      const reached = furthestStep(userEvents, start, options)
      const better =
        !best ||
        reached > best.reached ||
        (reached === best.reached &&
          (start.moment < best.start.moment ||
            (start.moment.getTime() === best.start.moment.getTime() && start.key < best.start.key!)))
      if (better) best = { reached, start }
    }
    if (!best) continue
    const key = best.start.key as string
    reachedPerKey.set(key, [...(reachedPerKey.get(key) ?? []), best.reached])
  }
  const steps = events[0]?.matches.length ?? 0
  const rows: FunnelRefRow[] = []
  for (const key of [...reachedPerKey.keys()].sort()) {
    const reached = reachedPerKey.get(key) as number[]
    const counts = Array.from({ length: steps }, (_, i) => reached.filter((r) => r >= i + 1).length)
    counts.forEach((n, i) => {
      const before = i === 0 ? n : (counts[i - 1] as number)
      rows.push({
        key,
        step: i + 1,
        n_users: n,
        step_conversion_rate: before === 0 ? null : n / before,
        full_conversion_rate: n / (counts[0] as number),
      })
    })
  }
  return rows
}
