import { describe, expect, it } from 'vitest';

import { allKeys, nextLevelDown, unitTree } from './unit-tree';

const UNITS = [
  { id: 'county', name: '示范县', level: 'county', parent: 'city' },
  { id: 'town', name: '和美镇', level: 'town', parent: 'county' },
  { id: 'village-a', name: '东村', level: 'village', parent: 'town' },
  { id: 'grid-a1', name: '东村第一网格', level: 'grid', parent: 'village-a' },
  { id: 'village-b', name: '西村', level: 'village', parent: 'town' },
];

describe('the org tree', () => {
  it('nests each unit under its parent, in the order given', () => {
    const [county] = unitTree(UNITS);
    expect(county?.key).toBe('county');
    expect(county?.children[0]?.children.map((n) => n.key)).toEqual(['village-a', 'village-b']);
    expect(allKeys(unitTree(UNITS))).toEqual(['county', 'town', 'village-a', 'grid-a1', 'village-b']);
  });

  it('makes a unit whose parent is not listed a root', () => {
    expect(unitTree(UNITS).map((n) => n.key)).toEqual(['county']);
  });

  it('adds a new unit one level down, and nothing under a grid', () => {
    expect(nextLevelDown('city')).toBe('county');
    expect(nextLevelDown('village')).toBe('grid');
    expect(nextLevelDown('grid')).toBeNull();
    expect(nextLevelDown('province')).toBeNull();
  });
});
