/** The whole numbers 1..N as a union (N a literal up to a few dozen), or `number` for a wide N. */
export type StepNumber<N extends number, Counted extends number[] = []> = number extends N
  ? number
  : Counted['length'] extends N
    ? Counted[number]
    : Counted['length'] extends 30
      ? never // not a whole number from 1 to 30: rejected at run time, no columns here
      : StepNumber<N, [...Counted, [...Counted, 0]['length'] & number]>

/**
 * The step columns of a navigation path: `<P>_step_1` … `<P>_step_<N>`. The anchor step (the
 * event the path is built from: step 1, or step N with `startFromEnd`) always has a value; the
 * others are NULL where the partition has no event there.
 */
export type StepColumns<P extends string, N extends number, V, FromEnd> = number extends N
  ? { [K in `${P}_step_${number}`]: V | null }
  : { [K in StepNumber<N> as `${P}_step_${K}`]: K extends ([FromEnd] extends [true] ? N : 1) ? V : V | null }

/** The name of step column `k` of the family `prefix`. */
export const stepColumn = (prefix: string, k: number): string => `${prefix}_step_${k}`
