import { type WindowFrame, windowed } from '@kysely-modelhub/core'
import { sql } from 'kysely'
import type { AnyExpressionBuilder, AnyQuery } from '../hub/any-query.ts'
import { type FunnelPlan, flag, LATEST_FIRST, withinWindow } from './funnel-plan.ts'

/** H(k, i): the earliest moment steps i+1 … k can be done by, after an event at this row's moment as step i. */
export const finish = (k: number, i: number) => `__t_${k}_${i}`

/**
 * Where the next step may be, looking back from the user's last event: the windows order by moment
 * descending, so "from here on" is a frame that starts at the partition's first row and the
 * running minimum is computed once per row (a frame whose start moves is aggregated again for
 * every row, quadratic in the user's events). 'ordered': the same moment or later; 'strict': the
 * same moment or the very next moment of the user. A repeated step skips the step before's own
 * moment. Offsets count distinct moments, so they need the rank g (1 = the user's last moment).
 */
function frameOf({ order, repeats }: FunnelPlan, i: number): WindowFrame {
  const latest = repeats[i - 1] ? { preceding: 1 } : 'current row'
  return { kind: 'range', start: order === 'strict' ? { preceding: 1 } : 'unbounded preceding', end: latest }
}

/** Whether a frame needs the moment rank g: a frame with an offset (strict order or a repeated step). */
const needsRank = ({ order, repeats }: FunnelPlan) => order === 'strict' || repeats.some(Boolean)

/**
 * The window passes of an ordered or strict funnel: pass p adds H(k, k-p) for every step k > p,
 * the min over the events in the next step's frame that match step k-p+1 of the previous pass's H;
 * H(k, 1) is then how early the chain of steps 1 … k finishes from a step-1 event.
 */
export function finishTimes(funnel: FunnelPlan, flagged: AnyQuery): AnyQuery {
  const { hub, keyAlias, numbers } = funnel
  const ranked = needsRank(funnel)
  const base = ['__by', '__moment', ...keyAlias, ...numbers.map(flag)]
  let level: AnyQuery = hub.db
    .selectFrom(flagged.as('events'))
    .select((eb) => [
      ...base.map((c) => eb.ref(c).as(c)),
      ...(ranked
        ? [windowed(eb, sql<number>`dense_rank()`, { partitionBy: ['__by'], orderBy: [LATEST_FIRST] }).as('__g')]
        : []),
    ])
  /** H(k, 1) of the passes so far. */
  const finished: string[] = []
  for (let p = 1; p < numbers.length; p++) {
    const previous = level
    const computed = numbers.filter((k) => k > p)
    const carried = [...finished]
    level = hub.db.selectFrom(previous.as('events')).select((eb) => [
      ...[...base, ...(ranked ? ['__g'] : []), ...carried].map((c) => eb.ref(c).as(c)),
      ...computed.map((k) => {
        const i = k - p
        const next = i + 1
        const value = next === k ? eb.ref('__moment') : eb.ref(finish(k, next))
        return windowed(eb, sql`min(case when ${eb.ref(flag(next))} then ${value} end)`, {
          partitionBy: ['__by'],
          // Without offsets the moment itself orders the frames, and every pass shares one sort.
          orderBy: [ranked ? '__g' : LATEST_FIRST],
          frame: frameOf(funnel, next),
        }).as(finish(k, i))
      }),
    ])
    finished.push(finish(p + 1, 1))
  }
  return level
}

/** The furthest step a start reaches: the last k whose chain finishes (within the conversion window). */
function reachedCase(funnel: FunnelPlan, eb: AnyExpressionBuilder) {
  const { numbers } = funnel
  if (numbers.length === 1) return sql<number>`1`
  const arms = numbers
    .slice(1)
    .reverse()
    .map((k) => sql`when ${withinWindow(funnel, eb.ref('__moment'), eb.ref(finish(k, 1)))} then ${sql.lit(k)}`)
  return sql<number>`case ${sql.join(arms, sql` `)} else 1 end`
}

/**
 * The attempts of an ordered or strict funnel: each step-1 event with a group key, its group, user,
 * moment and furthest step. `moments` adds, per column name, the moment the attempt can have done
 * steps 1 … k by (H(k, 1); the start's own moment for k = 1).
 */
export function chainStarts(
  funnel: FunnelPlan,
  flagged: AnyQuery,
  moments: Readonly<Record<string, number>> = {},
): AnyQuery {
  const { hub, keyAlias } = funnel
  return hub.db
    .selectFrom(finishTimes(funnel, flagged).as('events'))
    .where((eb) => eb.and([eb(eb.ref(flag(1)), '=', true), ...keyAlias.map((alias) => eb(alias, 'is not', null))]))
    .select((eb) => [
      ...keyAlias.map((alias) => eb.ref(alias).as(alias)),
      eb.ref('__by').as('__by'),
      eb.ref('__moment').as('__moment'),
      reachedCase(funnel, eb).as('__reached'),
      ...Object.entries(moments).map(([name, k]) => eb.ref(k === 1 ? '__moment' : finish(k, 1)).as(name)),
    ])
}
