import type { SqlBool } from 'kysely'
import type { AnyQuery } from '../hub/any-query.ts'

/** Any query whose rows have at least the columns `O`. */
export type RowsOf<O> = AnyQuery<O>

/** The columns of `O` holding numbers (NULLs are allowed by the type and rejected when fitting). */
export type NumericColumn<O> = {
  [K in keyof O & string]-?: [O[K]] extends [number | bigint | null | undefined] ? K : never
}[keyof O & string]

/** The columns of `O` holding booleans: a boolean column or a comparison such as `eb('n', '>', 0)`. */
export type BooleanColumn<O> = {
  [K in keyof O & string]-?: [O[K]] extends [boolean | SqlBool | null | undefined] ? K : never
}[keyof O & string]

/** What a model reads from a query: which numeric columns are the features, which column the label. */
export interface FitColumns<F extends string, L extends string> {
  /** The feature columns, in order; each must hold numbers. */
  readonly features: readonly F[]
  /** The boolean column to predict. */
  readonly label: L
}
