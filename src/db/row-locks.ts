// SQLite has no row locks (`FOR UPDATE`, `SKIP LOCKED`) and needs none: its one connection runs
// one write transaction at a time. Queries are written once, with the locks PostgreSQL needs, and
// this plugin removes them on SQLite, in subqueries too.

import { OperationNodeTransformer } from 'kysely';
import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryId,
  QueryResult,
  RootOperationNode,
  SelectQueryNode,
  UnknownRow,
} from 'kysely';

const ROW_LOCKS = new Set(['ForUpdate', 'ForNoKeyUpdate', 'ForShare', 'ForKeyShare', 'NoWait', 'SkipLocked']);

class RowLockRemover extends OperationNodeTransformer {
  protected override transformSelectQuery(node: SelectQueryNode, queryId?: QueryId): SelectQueryNode {
    const transformed = super.transformSelectQuery(node, queryId);
    if (transformed.endModifiers === undefined) return transformed;
    const endModifiers = transformed.endModifiers.filter((m) => !(m.modifier !== undefined && ROW_LOCKS.has(m.modifier)));
    return { ...transformed, endModifiers };
  }
}

export class WithoutRowLocks implements KyselyPlugin {
  readonly #remover = new RowLockRemover();

  transformQuery({ node, queryId }: PluginTransformQueryArgs): RootOperationNode {
    return this.#remover.transformNode(node, queryId);
  }

  async transformResult({ result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return result;
  }
}
