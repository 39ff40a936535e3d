// Reading EXPLAIN (FORMAT JSON) output in the plan tests.

export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

/** The node and every node under it, depth first. */
export function flatten(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(flatten)];
}

/** `Limit > Index Scan on messages using messages_conversation_seq_key`, for failure messages. */
export function describePlan(nodes: PlanNode[]): string {
  return nodes
    .map(
      (node) =>
        `${node['Node Type']}${node['Relation Name'] ? ` on ${node['Relation Name']}` : ''}${node['Index Name'] ? ` using ${node['Index Name']}` : ''}`,
    )
    .join(' > ');
}
