import { ApiError } from '@/lib/api-error';

import type { DraftStore } from './draft-storage';
import type { FormData } from './prefill';

export type PutDraft = (taskId: string, data: FormData) => Promise<unknown>;

export interface SyncResult {
  synced: string[];
  dropped: string[];
  /** No connection yet: the rest waits for the next `online` event. */
  offline: boolean;
}

function wontTakeDraft(error: ApiError): boolean {
  return error.status === 404 || error.status === 409 || (error.status === 403 && error.code !== 'csrf_failed');
}

/**
 * Sends the user's unsynced drafts. A task that was completed, given to someone else or is
 * out of reach meanwhile will never take the draft: it is dropped.
 */
export async function syncUnsyncedDrafts(store: DraftStore, user: string, putDraft: PutDraft): Promise<SyncResult> {
  const result: SyncResult = { synced: [], dropped: [], offline: false };
  for (const { taskId, draft } of store.unsynced(user)) {
    try {
      await putDraft(taskId, draft.data);
      store.markSynced(user, taskId, draft.savedAt);
      result.synced.push(taskId);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      // No connection or no session: try again later, when either is back.
      if (error.isNetworkError || error.status === 401) return { ...result, offline: error.isNetworkError };
      if (wontTakeDraft(error)) {
        store.remove(user, taskId);
        result.dropped.push(taskId);
      }
    }
  }
  return result;
}
