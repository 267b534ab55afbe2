import { ModelHubInputError } from '@kysely-modelhub/core'
import type { CholeskyDecomposition, Matrix } from 'ml-matrix'

/**
 * The sums over the rows that one Newton iteration needs at a point, whoever computes them (an
 * SQL aggregate or the client). `design` is the row's feature vector with a leading 1 when the
 * model has an intercept; p = P(y | design) at the point.
 */
export interface IterationSums {
  /** Rows. */
  readonly n: number
  /** Rows whose label is true. */
  readonly positives: number
  /** Σ log-loss. */
  readonly loss: number
  /** Σ (p − y)·design. */
  readonly gradient: readonly number[]
  /** Σ p(1 − p)·design·designᵀ. */
  readonly hessian: readonly (readonly number[])[]
}

export interface NewtonOptions {
  readonly C: number
  readonly fitIntercept: boolean
  readonly maxIter: number
  readonly tol: number
}

export interface NewtonResult {
  /** Intercept first when fitted, then one weight per feature. */
  readonly weights: readonly number[]
  /** Points evaluated (one set of sums each). */
  readonly nIter: number
  readonly converged: boolean
}

/** Halvings of a step that raised the objective before giving up: 2⁻⁴⁰ of a Newton step is nothing. */
const MAX_HALVINGS = 40

/**
 * Minimizes scikit-learn's objective C·Σ log-loss + ½‖w‖² (intercept not penalized) by Newton's
 * method: one call of `evaluate` per iteration. A step that raises the objective is halved (the
 * next evaluation is the halved point), so each iteration is still one evaluation.
 *
 * Converged when max |∇| of the objective divided by C·n (the mean-loss scaling scikit-learn's
 * lbfgs applies its `tol` to) is at most `tol`. `check` sees the first sums (to reject bad input).
 */
export async function newtonFit<S extends IterationSums>(
  dimension: number,
  evaluate: (weights: readonly number[]) => Promise<S>,
  options: NewtonOptions,
  check: (sums: S) => void = () => {},
): Promise<NewtonResult> {
  const { C, fitIntercept, maxIter, tol } = options
  // Loaded by the first fit, not with the hub: most apps never fit, and loading it takes about 0.1 s.
  const { CholeskyDecomposition, Matrix } = await import('ml-matrix')
  // Which weights the L2 penalty applies to: all but the intercept.
  const penalized = Array.from({ length: dimension }, (_, i) => (fitIntercept && i === 0 ? 0 : 1))
  let point: number[] = new Array(dimension).fill(0)
  let accepted: { weights: number[]; objective: number; step: number[] } | undefined
  let halvings = 0
  for (let iter = 1; iter <= maxIter; iter++) {
    const sums = await evaluate(point)
    if (iter === 1) check(sums)
    const objective = C * sums.loss + 0.5 * point.reduce((s, w, i) => s + (penalized[i] ?? 0) * w * w, 0)
    const gradient = sums.gradient.map((g, i) => C * g + (penalized[i] ?? 0) * (point[i] ?? 0))
    const scaled = Math.max(0, ...gradient.map(Math.abs)) / (C * sums.n)
    if (scaled <= tol) return { weights: point, nIter: iter, converged: true }
    if (accepted && objective > accepted.objective + 1e-12 * Math.abs(accepted.objective)) {
      // Overshot: try half the previous step from the last accepted point.
      if (++halvings > MAX_HALVINGS) return { weights: accepted.weights, nIter: iter, converged: false }
      const factor = 0.5 ** halvings
      const from = accepted
      point = from.weights.map((w, i) => w + factor * (from.step[i] ?? 0))
      continue
    }
    halvings = 0
    const hessian = new Matrix(
      sums.hessian.map((row, i) => row.map((h, j) => C * h + (i === j ? (penalized[i] ?? 0) : 0))),
    )
    const step = newtonStep(new CholeskyDecomposition(hessian), Matrix.columnVector(gradient.map((g) => -g)))
    accepted = { weights: point, objective, step }
    point = point.map((w, i) => w + (step[i] ?? 0))
  }
  return { weights: accepted?.weights ?? point, nIter: maxIter, converged: false }
}

/** −H⁻¹g from H's Cholesky decomposition and −g (H is positive definite: the penalty makes it so but for the intercept). */
function newtonStep(cholesky: CholeskyDecomposition, rhs: Matrix): number[] {
  if (!cholesky.isPositiveDefinite()) {
    throw new ModelHubInputError(
      'logistic regression: the Hessian is not positive definite (every row is predicted with certainty, e.g. all feature values are extreme); rescale the features or lower C',
    )
  }
  return cholesky.solve(rhs).getColumn(0)
}
