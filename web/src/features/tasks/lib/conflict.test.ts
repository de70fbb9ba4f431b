import { describe, expect, it } from 'vitest';

import { explainConflict } from './conflict';

describe('explainConflict', () => {
  it('says who completed the task, by name where the API gives one', () => {
    expect(explainConflict({ state: 'completed', assignee: 'grid_b1', ended_by: 'grid_b1' }, 'grid_a1')).toEqual({
      key: 'task.conflict.done', params: { user: 'grid_b1' },
    });
    const named = { state: 'completed', assignee: 'grid_b1', ended_by: 'grid_b1', ended_by_name: '王网格' } as const;
    expect(explainConflict(named, 'grid_a1').params.user).toBe('王网格');
  });

  it('says who claimed it', () => {
    expect(explainConflict({ state: 'ready', assignee: 'mediator_b', ended_by: null }, 'mediator_a').key).toBe('task.conflict.taken');
  });

  it('says the task closed another way (cancelled, suspended)', () => {
    expect(explainConflict({ state: 'cancelled', assignee: null, ended_by: null }, 'x').key).toBe('task.conflict.closed');
  });

  it('otherwise the case changed underneath', () => {
    expect(explainConflict({ state: 'ready', assignee: 'grid_a1', ended_by: null }, 'grid_a1').key).toBe('task.conflict.changed');
  });
});
