import {
  type AggregateFunctionNode,
  AliasNode,
  type ColumnDefinitionNode,
  type CreateTableNode,
  type DataTypeNode,
  DefaultQueryCompiler,
  type DeleteQueryNode,
  type ForeignKeyConstraintNode,
  IdentifierNode,
  type OnConflictNode,
  type OnDuplicateKeyNode,
  type OperatorNode,
  type PrimaryKeyConstraintNode,
  type ReturningNode,
  type SchemableIdentifierNode,
  type SelectionNode,
  type SelectModifierNode,
  type SelectQueryNode,
  type UniqueConstraintNode,
  type UpdateQueryNode,
} from 'kysely'
import { assertBigQueryColumnName } from './column-names.ts'
import { bigQueryDataType } from './data-types.ts'
import { escapeBigQueryIdentifier, quoteBigQueryString } from './quote.ts'
import { BigQueryUnsupportedError } from './unsupported.ts'

export { BigQueryUnsupportedError }

/**
 * Compiles Kysely queries to GoogleSQL: backtick identifiers with backslash escapes, string
 * literals with backslash escapes, and named parameters `@p0`, `@p1`, … (named rather than `?` so
 * each value's type can be given by name, which NULL values need).
 *
 * A table with a schema becomes one backtick path: `withSchema('project.dataset').selectFrom('events')`
 * compiles to `` `project.dataset.events` ``, so three-part names survive Kysely's parser, which
 * keeps only two parts of `'a.b.c'`.
 *
 * SQL that BigQuery lacks throws BigQueryUnsupportedError here, at compile time, naming what to
 * use instead, rather than failing as a billed job on the server.
 */
export class BigQueryQueryCompiler extends DefaultQueryCompiler {
  protected override getLeftIdentifierWrapper(): string {
    return '`'
  }

  protected override getRightIdentifierWrapper(): string {
    return '`'
  }

  protected override getCurrentParameterPlaceholder(): string {
    return `@p${this.numParameters - 1}`
  }

  protected override sanitizeIdentifier(identifier: string): string {
    return escapeBigQueryIdentifier(identifier)
  }

  /**
   * An untyped NULL is the literal `null`, not a parameter: a NULL parameter needs a type, and a
   * NULL STRING would not convert to INT64, BOOL or JSON (`values({ n: null })`), while the literal
   * converts to any type. `typed(null, 'INT64')` stays a parameter.
   */
  protected override appendValue(value: unknown): void {
    if (value === null || value === undefined) this.append('null')
    else super.appendValue(value)
  }

  protected override visitSelection(node: SelectionNode): void {
    if (AliasNode.is(node.selection) && IdentifierNode.is(node.selection.alias)) {
      assertBigQueryColumnName(node.selection.alias.name)
    }
    super.visitSelection(node)
  }

  protected override appendStringLiteral(value: string): void {
    this.append(quoteBigQueryString(value))
  }

  protected override sanitizeStringLiteral(value: string): string {
    return quoteBigQueryString(value).slice(1, -1)
  }

  protected override visitSchemableIdentifier(node: SchemableIdentifierNode): void {
    if (!node.schema) {
      super.visitSchemableIdentifier(node)
      return
    }
    const path = `${node.schema.name}.${node.identifier.name}`
    this.append(`\`${path.split('.').map(escapeBigQueryIdentifier).join('.')}\``)
  }

  protected override visitDataType(node: DataTypeNode): void {
    this.append(bigQueryDataType(node.dataType))
  }

  protected override visitAggregateFunction(node: AggregateFunctionNode): void {
    if (node.filter) {
      throw new BigQueryUnsupportedError(
        `BigQuery has no FILTER clause on ${node.func}(); use ${node.func}(IF(condition, value, NULL)) (countIf for counts)`,
      )
    }
    if (node.withinGroup) {
      throw new BigQueryUnsupportedError(
        `BigQuery has no WITHIN GROUP on ${node.func}(); use APPROX_QUANTILES or PERCENTILE_CONT`,
      )
    }
    super.visitAggregateFunction(node)
  }

  protected override visitSelectQuery(node: SelectQueryNode): void {
    if (node.distinctOn) {
      throw new BigQueryUnsupportedError(
        'BigQuery has no DISTINCT ON; keep one row per key with QUALIFY row_number() over (partition by … order by …) = 1',
      )
    }
    if (node.offset && !node.limit) {
      throw new BigQueryUnsupportedError('BigQuery needs LIMIT with OFFSET; add .limit(…) before .offset(…)')
    }
    super.visitSelectQuery(node)
  }

  protected override visitSelectModifier(node: SelectModifierNode): void {
    if (node.modifier && node.modifier !== 'Distinct') {
      throw new BigQueryUnsupportedError(
        `BigQuery has no row locks (${node.modifier}); remove it, BigQuery runs DML with snapshot isolation`,
      )
    }
    super.visitSelectModifier(node)
  }

  protected override visitOperator(node: OperatorNode): void {
    if (node.operator === 'ilike' || node.operator === 'not ilike') {
      throw new BigQueryUnsupportedError(
        `BigQuery has no ${node.operator.toUpperCase()}; compare lower(column) with like and a lower-case pattern`,
      )
    }
    super.visitOperator(node)
  }

  protected override visitUpdateQuery(node: UpdateQueryNode): void {
    if (!node.where) {
      throw new BigQueryUnsupportedError(
        'BigQuery needs a WHERE clause on UPDATE; add .where(sql`true`) to update every row',
      )
    }
    super.visitUpdateQuery(node)
  }

  protected override visitDeleteQuery(node: DeleteQueryNode): void {
    if (!node.where) {
      throw new BigQueryUnsupportedError(
        'BigQuery needs a WHERE clause on DELETE; add .where(sql`true`) to delete every row',
      )
    }
    super.visitDeleteQuery(node)
  }

  /**
   * BigQuery has no ON COMMIT. A temporary table lives in the connection's session, which the
   * driver ends when a transaction's connection is released, right after its commit or rollback:
   * `on commit drop` is what already happens (inside a `db.connection()` scope, at the scope's
   * end), so it is left out. Keeping the rows, or deleting them at commit, is not possible.
   */
  protected override visitCreateTable(node: CreateTableNode): void {
    if (node.onCommit && node.onCommit !== 'drop') {
      throw new BigQueryUnsupportedError(
        `BigQuery has no ON COMMIT ${node.onCommit.toUpperCase()}; a temporary table lives until its session ends (the connection's release): leave out onCommit`,
      )
    }
    super.visitCreateTable(node.onCommit ? { ...node, onCommit: undefined } : node)
  }

  protected override visitColumnDefinition(node: ColumnDefinitionNode): void {
    const key = node.primaryKey
      ? 'primary key'
      : node.unique
        ? 'unique'
        : node.references
          ? 'references'
          : node.autoIncrement || node.identity
            ? 'auto-increment'
            : undefined
    if (key) throw unenforcedKey(`${key} on column ${node.column.column.name}`)
    super.visitColumnDefinition(node)
  }

  protected override visitPrimaryKeyConstraint(_node: PrimaryKeyConstraintNode): void {
    throw unenforcedKey('a primary key constraint')
  }

  protected override visitUniqueConstraint(_node: UniqueConstraintNode): void {
    throw unenforcedKey('a unique constraint')
  }

  protected override visitForeignKeyConstraint(_node: ForeignKeyConstraintNode): void {
    throw unenforcedKey('a foreign key constraint')
  }

  protected override visitReturning(_node: ReturningNode): void {
    throw new BigQueryUnsupportedError('BigQuery has no RETURNING; select the rows in a separate query')
  }

  protected override visitOnConflict(_node: OnConflictNode): void {
    throw new BigQueryUnsupportedError('BigQuery has no ON CONFLICT; use a MERGE statement')
  }

  protected override visitOnDuplicateKey(_node: OnDuplicateKeyNode): void {
    throw new BigQueryUnsupportedError('BigQuery has no ON DUPLICATE KEY UPDATE; use a MERGE statement')
  }
}

/** BigQuery keys are never enforced (`NOT ENFORCED` only), so DDL that relies on them, Kysely's Migrator's tables included, cannot run. */
function unenforcedKey(what: string): BigQueryUnsupportedError {
  return new BigQueryUnsupportedError(
    `BigQuery does not enforce keys or generate ids (${what}); leave it out, or declare it with sql\`primary key (…) not enforced\`. Kysely's Migrator needs enforced keys: run migrations with another tool`,
  )
}
