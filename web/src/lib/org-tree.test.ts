import { describe, expect, it } from 'vitest';

import { orgTree } from './org-tree';

const UNITS = [
  { id: 'city', name: '示范市', parent: null },
  { id: 'county', name: '示范县', parent: 'city' },
  { id: 'town', name: '和美镇', parent: 'county' },
  { id: 'village-a', name: '东村', parent: 'town' },
  { id: 'grid-a1', name: '东村第一网格', parent: 'village-a' },
  { id: 'village-b', name: '西村', parent: 'town' },
];

describe('orgTree', () => {
  it('nests the five levels under their parents, in the order listed', () => {
    const [city] = orgTree(UNITS);
    expect(city?.label).toBe('示范市');
    const town = city?.children?.[0]?.children?.[0];
    expect(town?.children?.map((node) => node.label)).toEqual(['东村', '西村']);
    expect(town?.children?.[0]?.children).toEqual([{ value: 'grid-a1', label: '东村第一网格' }]);
  });

  it('makes roots of units whose parent she does not see', () => {
    expect(orgTree([{ id: 'grid-a1', name: '东村第一网格', parent: 'village-a' }])).toEqual([{ value: 'grid-a1', label: '东村第一网格' }]);
  });
});
