// The counter is shared with the benchmark, which prints the same counts in its report.
export { planNodeCounts, planShape } from '../../bench/src/plan-shape.ts'
