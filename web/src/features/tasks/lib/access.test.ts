import { describe, expect, it } from 'vitest';

import { taskAccess } from './access';

const gridWorker = { username: 'grid_a1', memberships: [{ role: 'grid_worker', org_unit: 'grid-a1' }] };

describe('taskAccess', () => {
  it('lets a member of the role claim and work on a task offered to the group', () => {
    expect(taskAccess({ state: 'ready', assignee: null, role: 'grid_worker' }, gridWorker)).toEqual({ canWork: true, canClaim: true, canUnclaim: false });
  });

  it('lets her give back a task that is hers', () => {
    expect(taskAccess({ state: 'ready', assignee: 'grid_a1', role: 'grid_worker' }, gridWorker)).toEqual({ canWork: true, canClaim: false, canUnclaim: true });
  });

  it("shows a colleague's, another role's or a finished task read-only", () => {
    const none = { canWork: false, canClaim: false, canUnclaim: false };
    expect(taskAccess({ state: 'ready', assignee: 'grid_b1', role: 'grid_worker' }, gridWorker)).toEqual(none);
    expect(taskAccess({ state: 'ready', assignee: null, role: 'village_mediator' }, gridWorker)).toEqual(none);
    expect(taskAccess({ state: 'completed', assignee: 'grid_a1', role: 'grid_worker' }, gridWorker)).toEqual(none);
  });
});
