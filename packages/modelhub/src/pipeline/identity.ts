import { type Engine, windowed } from '@kysely-modelhub/core'
import { sql } from 'kysely'
import type { AnyKysely, AnyQuery } from '../hub/any-query.ts'

/**
 * Identity resolution, before sessionization: every event of a cookie takes the latest identity
 * seen on that cookie — latest by moment, then by event_id, the order sessions use — so cookies
 * sharing an identity merge into one user. `identity` keeps the resolved identity (NULL for a
 * cookie that never had one) for anonymization after sessionization.
 *
 * Shape: coalesce(first_value(identity) over (partition by user_id
 *          order by identity is null, moment desc, event_id desc), user_id::text) as user_id
 */
export function resolveIdentity(
  db: AnyKysely,
  engine: Engine,
  extracted: AnyQuery,
  columns: readonly string[],
  /** What the input holds, its name in the SQL. */
  inputName = 'extracted',
): AnyQuery {
  return db.selectFrom(extracted.as(inputName)).select((eb) => {
    const col = (name: string) => eb.ref(`${inputName}.${name}`)
    const latestIdentity = windowed(eb, sql<string | null>`first_value(${col('identity')})`, {
      partitionBy: [`${inputName}.user_id`],
      orderBy: [
        sql`${col('identity')} is null`,
        { by: `${inputName}.moment`, direction: 'desc' },
        { by: `${inputName}.event_id`, direction: 'desc' },
      ],
    })
    return [
      ...columns.map((c) => col(c).as(c)),
      sql<string>`coalesce(${latestIdentity}, ${engine.toText(col('user_id'))})`.as('user_id'),
      latestIdentity.as('identity'),
    ]
  })
}
