// @vitest-environment jsdom
import { beforeEach, describe, expect, it, vi } from 'vitest';

import { ApiError, networkError } from '@/lib/api-error';

import { DraftStore } from './draft-storage';
import { syncUnsyncedDrafts } from './draft-sync';

let store: DraftStore;

beforeEach(() => {
  localStorage.clear();
  store = new DraftStore(localStorage);
  store.save('grid_a1', 't1', { a: 1 });
  store.save('grid_a1', 't2', { a: 2 });
});

const refused = (status: number, code = 'conflict') => new ApiError({ status, code, message: code });

describe('syncUnsyncedDrafts', () => {
  it('sends every unsynced draft and marks it synced', async () => {
    const put = vi.fn().mockResolvedValue({});
    const result = await syncUnsyncedDrafts(store, 'grid_a1', put);
    expect(put).toHaveBeenCalledWith('t1', { a: 1 });
    expect(put).toHaveBeenCalledWith('t2', { a: 2 });
    expect(result).toEqual({ synced: ['t1', 't2'], dropped: [], offline: false });
    expect(store.unsynced('grid_a1')).toEqual([]);
  });

  it('stops while there is no connection and keeps the drafts for the next try', async () => {
    const put = vi.fn().mockRejectedValue(networkError('offline'));
    const result = await syncUnsyncedDrafts(store, 'grid_a1', put);
    expect(result.offline).toBe(true);
    expect(put).toHaveBeenCalledTimes(1);
    expect(store.unsynced('grid_a1')).toHaveLength(2);
  });

  it('drops the draft of a task that will never take it (completed, gone)', async () => {
    const put = vi.fn().mockRejectedValueOnce(refused(409)).mockRejectedValueOnce(refused(404, 'not_found'));
    const result = await syncUnsyncedDrafts(store, 'grid_a1', put);
    expect(result.dropped).toEqual(['t1', 't2']);
    expect(store.load('grid_a1', 't1')).toBeNull();
  });

  it('keeps drafts when the session or its CSRF token is the problem', async () => {
    const put = vi.fn().mockRejectedValueOnce(refused(403, 'csrf_failed')).mockRejectedValueOnce(refused(401, 'unauthorized'));
    const result = await syncUnsyncedDrafts(store, 'grid_a1', put);
    expect(result).toEqual({ synced: [], dropped: [], offline: false });
    expect(store.unsynced('grid_a1')).toHaveLength(2);
  });
});
