/** city > county > town > village > grid (engine/definitions/catalog.py LEVELS). */
export const LEVELS = ['city', 'county', 'town', 'village', 'grid'] as const;
export type Level = (typeof LEVELS)[number];

interface Unit {
  id: string;
  name: string;
  level: string;
  parent?: string | null;
}

export interface UnitNode {
  key: string;
  unit: Unit;
  children: UnitNode[];
}

/** The level a new unit under `level` takes; null below a grid, where nothing may be added. */
export function nextLevelDown(level: string): Level | null {
  const index = LEVELS.indexOf(level as Level);
  return index >= 0 && index < LEVELS.length - 1 ? (LEVELS[index + 1] ?? null) : null;
}

/**
 * The units as a tree in the order the API lists them (each after its parent). A unit whose
 * parent the admin does not administer (a county admin's county) is a root.
 */
export function unitTree(units: readonly Unit[]): UnitNode[] {
  const nodes = new Map(units.map((unit) => [unit.id, { key: unit.id, unit, children: [] } as UnitNode]));
  const roots: UnitNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.unit.parent ? nodes.get(node.unit.parent) : undefined;
    if (parent && parent !== node) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}

/** Every unit's key, for a tree drawn fully open. */
export function allKeys(nodes: readonly UnitNode[]): string[] {
  return nodes.flatMap((node) => [node.key, ...allKeys(node.children)]);
}
