import {
  type AggregateFunctionNode,
  type DataTypeNode,
  DefaultQueryCompiler,
  type OnConflictNode,
  type OnDuplicateKeyNode,
  type ReturningNode,
  type SchemableIdentifierNode,
  type SelectQueryNode,
} from 'kysely'
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
    if (node.offset && !node.limit) {
      throw new BigQueryUnsupportedError('BigQuery needs LIMIT with OFFSET; add .limit(…) before .offset(…)')
    }
    super.visitSelectQuery(node)
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
