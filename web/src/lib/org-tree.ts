interface Unit {
  id: string;
  name: string;
  parent: string | null;
}

export interface OrgNode {
  value: string;
  label: string;
  children?: OrgNode[];
}

/**
 * Org units as the five-level tree (city > county > town > village > grid), in the order the
 * API lists them. A unit whose parent is not in the list (she sees only her part of the
 * network) is a root.
 */
export function orgTree(units: readonly Unit[]): OrgNode[] {
  const nodes = new Map(units.map((unit) => [unit.id, { value: unit.id, label: unit.name } as OrgNode]));
  const roots: OrgNode[] = [];
  for (const unit of units) {
    const node = nodes.get(unit.id);
    const parent = unit.parent ? nodes.get(unit.parent) : undefined;
    if (!node) continue;
    if (parent && parent !== node) (parent.children ??= []).push(node);
    else roots.push(node);
  }
  return roots;
}
