import { describe, expect, it } from 'vitest';

import { supervises } from './roles';

describe('supervises', () => {
  it('is true for the roles with a 督办 list (engine/access.py SUPERVISION_ROLES)', () => {
    for (const role of ['supervisor', 'rights_officer', 'admin']) expect(supervises([{ role, org_unit: 'town' }])).toBe(true);
    expect(supervises([{ role: 'grid_worker', org_unit: 'grid-a1' }])).toBe(false);
  });
});
