// @vitest-environment jsdom
import { beforeEach, describe, expect, it } from 'vitest';

import { DraftStore } from './draft-storage';

let storage: Storage;
let store: DraftStore;

beforeEach(() => {
  localStorage.clear();
  storage = localStorage;
  store = new DraftStore(storage);
});

describe('DraftStore', () => {
  it('keeps a draft per user and task, unsynced until the server has it', () => {
    const draft = store.save('grid_a1', 't1', { result: 'resolved' }, new Date('2026-03-02T01:00:00Z'));
    expect(store.load('grid_a1', 't1')).toEqual({ data: { result: 'resolved' }, savedAt: '2026-03-02T01:00:00.000Z', synced: false });
    expect(store.load('grid_b1', 't1')).toBeNull();
    store.markSynced('grid_a1', 't1', draft.savedAt);
    expect(store.load('grid_a1', 't1')?.synced).toBe(true);
  });

  it('leaves an edit made while the save was under way unsynced', () => {
    const sent = store.save('grid_a1', 't1', { summary: 'a' }, new Date('2026-03-02T01:00:00Z'));
    store.save('grid_a1', 't1', { summary: 'ab' }, new Date('2026-03-02T01:00:01Z'));
    store.markSynced('grid_a1', 't1', sent.savedAt);
    expect(store.load('grid_a1', 't1')).toMatchObject({ data: { summary: 'ab' }, synced: false });
  });

  it("lists only the user's unsynced drafts", () => {
    store.save('grid_a1', 't1', { a: 1 });
    const synced = store.save('grid_a1', 't2', { a: 2 });
    store.markSynced('grid_a1', 't2', synced.savedAt);
    store.save('grid_a10', 't3', { a: 3 });
    expect(store.unsynced('grid_a1').map((entry) => entry.taskId)).toEqual(['t1']);
  });

  it('forgets synced drafts on logout and keeps the unsent ones', () => {
    store.save('grid_a1', 't1', { a: 1 });
    const synced = store.save('grid_a1', 't2', { a: 2 });
    store.markSynced('grid_a1', 't2', synced.savedAt);
    store.forgetSynced('grid_a1');
    expect(store.load('grid_a1', 't1')).not.toBeNull();
    expect(store.load('grid_a1', 't2')).toBeNull();
  });

  it('ignores what is not a draft', () => {
    storage.setItem('jiahe.draft.grid_a1/t9', '{not json');
    expect(store.load('grid_a1', 't9')).toBeNull();
    expect(store.unsynced('grid_a1')).toEqual([]);
  });
});
