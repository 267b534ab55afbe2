import type { Engine } from '@kysely-modelhub/core'
import { type Expression, type RawBuilder, sql } from 'kysely'

/**
 * |z| beyond which exp is not taken: exp(−700) ≈ 1e−304 is still a normal double, while Postgres
 * raises an error on exp's overflow (z > 709) and underflow (z < −745). Probabilities there
 * are already 0 or 1 to double precision.
 */
export const EXP_LIMIT = 700

/** The linear predictor intercept + Σ wᵢ·xᵢ, coefficients bound as float parameters. */
export function linearPredictor(
  engine: Engine,
  intercept: number,
  terms: readonly (readonly [Expression<unknown>, number])[],
): RawBuilder<number> {
  const parts = terms.map(([x, w]) => sql`${engine.toFloat(sql`${w}`)} * ${engine.toFloat(x)}`)
  return sql<number>`(${sql.join([engine.toFloat(sql`${intercept}`), ...parts], sql` + `)})`
}

/** exp(−|z|), in (0, 1]: the one exponential the stable forms need. */
export function expMinusAbs(z: Expression<number>): RawBuilder<number> {
  return sql<number>`exp(-least(abs(${z}), ${sql.lit(EXP_LIMIT)}))`
}

/**
 * σ(z) = 1/(1 + e^−z) without overflow: with e = exp(−|z|), σ = 1/(1 + e) for z ≥ 0 and
 * e/(1 + e) for z < 0.
 */
export function sigmoid(z: Expression<number>, e: Expression<number>): RawBuilder<number> {
  return sql<number>`(case when ${z} >= 0 then 1 / (1 + ${e}) else ${e} / (1 + ${e}) end)`
}

/** σ(z) from z alone (z is read twice). */
export function probability(z: Expression<number>): RawBuilder<number> {
  return sigmoid(z, expMinusAbs(z))
}
