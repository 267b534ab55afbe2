import type { AliasableExpression, AliasedExpression, Expression, OperationNode, RawBuilder } from 'kysely'
import { sql } from 'kysely'
import type { Engine, SliceEnd, SliceStart } from './engine.ts'
import { invalid } from './errors.ts'
import { type JsonMatch, matchEntries } from './json-match.ts'

/**
 * A JSON array of objects in SQL, with the operations location stacks and global contexts share.
 * It is itself a Kysely expression: select it, alias it, compare it.
 */
export abstract class JsonArrayExpression<E> implements AliasableExpression<E[]> {
  readonly #expression: Expression<unknown>
  protected readonly engine: Engine
  /** For a part cut at a match: "some element of the whole matches", which says the part is not empty without building it. */
  #someMatch?: () => RawBuilder<boolean>

  constructor(expression: Expression<unknown>, engine: Engine) {
    this.#expression = expression
    this.engine = engine
  }

  /** Builds an array of the same kind around a new SQL expression (for chaining slices). */
  protected abstract derive(expression: Expression<unknown>): this

  get expressionType(): E[] | undefined {
    return undefined
  }

  /** The array expression's operation node, for Kysely to compile. */
  toOperationNode(): OperationNode {
    return this.#expression.toOperationNode()
  }

  as<A extends string>(alias: A): AliasedExpression<E[], A>
  as<A extends string>(alias: Expression<unknown>): AliasedExpression<E[], A>
  as(alias: string | Expression<unknown>): AliasedExpression<E[], string> {
    return sql<E[]>`${this.#expression}`.as(alias as string)
  }

  /** Element `index` (0-based; negative counts from the end); NULL when out of range. */
  at(index: number): RawBuilder<E | null> {
    return this.engine.jsonElement<E>(this, checkIndex('index', index))
  }

  /** Python-style slice: `start` inclusive, `end` exclusive, negatives count from the end. Always an array. */
  slice(start?: number, end?: number): this {
    return this.derive(
      this.engine.jsonSlice(this, {
        ...(start === undefined ? {} : { start: { index: checkIndex('slice start', start) } }),
        ...(end === undefined ? {} : { end: { index: checkIndex('slice end', end) } }),
      }),
    )
  }

  /** From the first element matching to the end; `[]` when none matches. */
  from(match: JsonMatch): this {
    return this.cutAt(match, this.bounded({ firstMatch: checked(match) }, undefined))
  }

  /** From the start through the first element matching (inclusive); `[]` when none matches. */
  until(match: JsonMatch): this {
    return this.cutAt(match, this.bounded(undefined, { throughFirstMatch: checked(match) }))
  }

  /** From the first element matching `start` through the first matching `end` after it. */
  between(start: JsonMatch, end: JsonMatch): this {
    return this.from(start).until(end)
  }

  /** Only the elements matching, in order. */
  filter(match: JsonMatch): this {
    return this.cutAt(match, this.derive(this.engine.jsonFilter(this, checked(match))))
  }

  /** Whether some element matches. */
  contains(match: JsonMatch): RawBuilder<boolean> {
    return this.engine.jsonSome(this, checked(match))
  }

  /** Number of elements; 0 for NULL. */
  length(): RawBuilder<number> {
    return this.engine.jsonLength(this)
  }

  /**
   * Whether there is an element. A part cut at a match (`from`, `until`, `filter`) is not empty
   * exactly when some element matches, so that is asked instead: far cheaper than building the part.
   */
  isNotEmpty(): RawBuilder<boolean> {
    return this.#someMatch?.() ?? sql<boolean>`(${this.length()} > 0)`
  }

  private cutAt(match: JsonMatch, part: this): this {
    part.#someMatch = () => this.contains(match)
    return part
  }

  private bounded(start: SliceStart | undefined, end: SliceEnd | undefined): this {
    return this.derive(this.engine.jsonSlice(this, { ...(start ? { start } : {}), ...(end ? { end } : {}) }))
  }
}

function checked(match: JsonMatch): JsonMatch {
  matchEntries(match)
  return match
}

function checkIndex(what: string, index: number): number {
  if (!Number.isSafeInteger(index)) invalid(what, index, 'expected an integer')
  return index
}
