/**
 * The most features a model takes. An iteration selects d(d + 1)/2 Hessian sums plus ~2d more
 * (d = features + 1) in one row, and Postgres selects at most 1664 columns: 50 features need 1429.
 */
export const MAX_FEATURES = 50
