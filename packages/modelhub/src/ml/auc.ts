import { ModelHubInputError } from '@kysely-modelhub/core'
import { sql } from 'kysely'
import type { AnyQuery } from '../hub/any-query.ts'
import type { HubContext } from '../hub/hub-context.ts'

/**
 * The area under the ROC curve of `probability` against the boolean `label`, computed in SQL as
 * the Mann–Whitney statistic: (Σ ranks of the positives − n₊(n₊ + 1)/2) / (n₊·n₋), ties ranked by
 * their average rank (the mean of the first and last rank of the tie), as roc_auc_score counts
 * a tied pair as one half.
 *
 * Shape: select count(…), sum(case when label then (rank() over (order by p) + count(*) over (order by p)) / 2 end) …
 */
export async function aucInDatabase(hub: HubContext, scored: AnyQuery, label: string): Promise<number> {
  const { db, engine } = hub
  const ranked = db
    .selectFrom(scored.as('s'))
    .select((eb) => [
      eb.ref(`s.${label}`).as('y'),
      sql<number>`${engine.toFloat(
        sql`rank() over (order by ${eb.ref('s.probability')}) + count(*) over (order by ${eb.ref('s.probability')})`,
      )} / 2`.as('r'),
    ])
  const { rows } = await sql<{ positives: unknown; negatives: unknown; rank_sum: unknown }>`select
    count(case when r.y then 1 end) as positives,
    count(case when not r.y then 1 end) as negatives,
    sum(case when r.y then r.r end) as rank_sum
    from (${ranked}) as r`.execute(db)
  const positives = Number(rows[0]?.positives ?? 0)
  const negatives = Number(rows[0]?.negatives ?? 0)
  if (positives === 0 || negatives === 0)
    throw new ModelHubInputError(
      `AUC: the rows hold ${positives} positive and ${negatives} negative labels; the AUC needs both classes`,
    )
  return (Number(rows[0]?.rank_sum ?? 0) - (positives * (positives + 1)) / 2) / (positives * negatives)
}
