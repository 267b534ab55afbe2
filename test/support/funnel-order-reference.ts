/**
 * Funnels in every order, and time to convert, in plain TypeScript: what `hub.funnel.orderedSteps`
 * with `order` and `hub.funnel.timeToConvert` must return on the same events. Naive on purpose:
 * each start follows every event that can be its next step, so it is easy to trust.
 */
import type { FunnelRefEvent, FunnelRefRow } from './funnel-reference.ts'

export type RefOrder = 'ordered' | 'strict' | 'unordered'

export interface OrderRefOptions {
  readonly order: RefOrder
  /** Per step: the number of the first step with the same definition (itself when it is the first). */
  readonly definitionOf: readonly number[]
  readonly windowSeconds?: number
}

/** One user's attempt: its start, the furthest step and, per step k, when steps 1 … k are done at the earliest. */
interface Attempt {
  readonly start: FunnelRefEvent
  readonly reached: number
  readonly doneAt: readonly (number | undefined)[]
}

const within = (start: FunnelRefEvent, at: number, options: OrderRefOptions) =>
  options.windowSeconds === undefined || (at - start.moment.getTime()) / 1000 <= options.windowSeconds

/** In order: the events that can be each step, step by step, from every event the step before can be. */
function chainAttempt(events: readonly FunnelRefEvent[], start: FunnelRefEvent, options: OrderRefOptions): Attempt {
  const moments = [...new Set(events.map((e) => e.moment.getTime()))].sort((x, y) => x - y)
  const rank = (e: FunnelRefEvent) => moments.indexOf(e.moment.getTime())
  const steps = start.matches.length
  const doneAt: (number | undefined)[] = [start.moment.getTime()]
  let can = [start]
  for (let i = 1; i < steps; i++) {
    const repeat = options.definitionOf[i] !== i + 1
    can = events.filter(
      (e) =>
        e.matches[i] &&
        can.some((p) => {
          const gap = rank(e) - rank(p)
          const low = repeat ? 1 : 0
          return gap >= low && (options.order === 'strict' ? gap <= 1 : true)
        }),
    )
    if (can.length === 0) break
    doneAt.push(Math.min(...can.map((e) => e.moment.getTime())))
  }
  let reached = 1
  doneAt.forEach((at, k) => {
    if (at !== undefined && within(start, at, options)) reached = k + 1
  })
  return { start, reached, doneAt }
}

/** Any order: per definition, its distinct moments from the start to the end of the window, up to the times it is listed. */
function anyOrderAttempt(events: readonly FunnelRefEvent[], start: FunnelRefEvent, options: OrderRefOptions): Attempt {
  const t = start.moment.getTime()
  let reached = 0
  for (const d of new Set(options.definitionOf)) {
    const times = options.definitionOf.filter((x) => x === d).length
    const seen = new Set(
      events
        .filter((e) => e.matches[d - 1] && e.moment.getTime() >= t && within(start, e.moment.getTime(), options))
        .map((e) => e.moment.getTime()),
    )
    reached += Math.min(times, seen.size)
  }
  return { start, reached, doneAt: [] }
}

/** Per user, the attempt the funnel counts: the furthest step, then the earliest start, then the smallest key. */
export function bestAttempts(events: readonly FunnelRefEvent[], options: OrderRefOptions): Map<string, Attempt> {
  const byUser = new Map<string, FunnelRefEvent[]>()
  for (const e of events) {
    if (e.user !== null) byUser.set(e.user, [...(byUser.get(e.user) ?? []), e])
  }
  const best = new Map<string, Attempt>()
  for (const [user, userEvents] of byUser) {
    for (const start of userEvents) {
      const starts = options.order === 'unordered' ? start.matches.some(Boolean) : start.matches[0]
      if (!starts || start.key === null) continue
      const attempt =
        options.order === 'unordered'
          ? anyOrderAttempt(userEvents, start, options)
          : chainAttempt(userEvents, start, options)
      const now = best.get(user)
      const better =
        !now ||
        attempt.reached > now.reached ||
        (attempt.reached === now.reached &&
          (start.moment < now.start.moment ||
            (start.moment.getTime() === now.start.moment.getTime() && start.key < (now.start.key as string))))
      if (better) best.set(user, attempt)
    }
  }
  return best
}

/** The funnel's rows: per group and step, the users whose best attempt reached the step. */
export function funnelReference(events: readonly FunnelRefEvent[], options: OrderRefOptions): FunnelRefRow[] {
  const reachedPerKey = new Map<string, number[]>()
  for (const { start, reached } of bestAttempts(events, options).values()) {
    const key = start.key as string
    reachedPerKey.set(key, [...(reachedPerKey.get(key) ?? []), reached])
  }
  const steps = options.definitionOf.length
  return [...reachedPerKey.keys()].sort().flatMap((key) => {
    const reached = reachedPerKey.get(key) as number[]
    const counts = Array.from({ length: steps }, (_, i) => reached.filter((r) => r >= i + 1).length)
    return counts.map((n, i) => {
      const before = i === 0 ? n : (counts[i - 1] as number)
      return {
        key,
        step: i + 1,
        n_users: n,
        step_conversion_rate: before === 0 ? null : n / before,
        full_conversion_rate: n / (counts[0] as number),
      }
    })
  })
}

/** Time to convert: per user whose best attempt reached `toStep`, seconds from `fromStep` to `toStep`, by user. */
export function timeToConvertReference(
  events: readonly FunnelRefEvent[],
  options: OrderRefOptions & { readonly fromStep: number; readonly toStep: number },
): { user_id: string; seconds: number }[] {
  return [...bestAttempts(events, options)]
    .filter(([, attempt]) => attempt.reached >= options.toStep)
    .map(([user, { doneAt }]) => ({
      user_id: user,
      seconds: ((doneAt[options.toStep - 1] as number) - (doneAt[options.fromStep - 1] as number)) / 1000,
    }))
    .sort((x, y) => (x.user_id < y.user_id ? -1 : x.user_id > y.user_id ? 1 : 0))
}
