// SQLite has no row locks (`FOR UPDATE`, `SKIP LOCKED`) and needs none: its one connection runs
// one write transaction at a time. Queries are written once, with the locks PostgreSQL needs, and
// this plugin removes them on SQLite.

import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';

const ROW_LOCKS = new Set(['ForUpdate', 'ForNoKeyUpdate', 'ForShare', 'ForKeyShare', 'NoWait', 'SkipLocked']);

export class WithoutRowLocks implements KyselyPlugin {
  transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
    if (node.kind !== 'SelectQueryNode' || node.endModifiers === undefined) return node;
    const endModifiers = node.endModifiers.filter(
      (modifier) => !(modifier.kind === 'SelectModifierNode' && modifier.modifier !== undefined && ROW_LOCKS.has(modifier.modifier)),
    );
    return { ...node, endModifiers };
  }

  async transformResult({ result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return result;
  }
}
