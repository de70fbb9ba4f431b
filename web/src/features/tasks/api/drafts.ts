import { useCallback, useEffect, useRef, useState } from 'react';

import { ApiError } from '@/lib/api-error';

import { DraftStore } from '../lib/draft-storage';
import { syncUnsyncedDrafts } from '../lib/draft-sync';
import type { FormData } from '../lib/prefill';
import { putDraft } from './tasks';

/** Typing pauses this long before the draft goes to the server. */
export const AUTOSAVE_DELAY_MS = 2_000;

export const draftStore = new DraftStore(globalThis.localStorage);

/** Sends drafts typed while offline: now, and whenever the browser is back online. */
export function useDraftSync(user: string) {
  useEffect(() => {
    const sync = () => void syncUnsyncedDrafts(draftStore, user, putDraft).catch(() => undefined);
    sync();
    window.addEventListener('online', sync);
    return () => window.removeEventListener('online', sync);
  }, [user]);
}

export function forgetSyncedDrafts(user: string): void {
  draftStore.forgetSynced(user);
}

export type DraftStatus = 'idle' | 'pending' | 'saving' | 'saved' | 'offline' | 'failed';

/**
 * Keeps a task form's draft: every edit goes to this browser's storage at once and to the
 * server once typing pauses or the network is back; leaving the page sends what is pending.
 */
export function useDraftAutosave(user: string, taskId: string) {
  const [status, setStatus] = useState<DraftStatus>('idle');
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const push = useCallback(async () => {
    clearTimeout(timer.current);
    timer.current = undefined;
    const draft = draftStore.load(user, taskId);
    if (!draft || draft.synced) return;
    setStatus('saving');
    try {
      await putDraft(taskId, draft.data);
      draftStore.markSynced(user, taskId, draft.savedAt);
      setStatus('saved');
    } catch (error) {
      setStatus(error instanceof ApiError && error.isNetworkError ? 'offline' : 'failed');
      throw error;
    }
  }, [user, taskId]);

  const record = useCallback(
    (data: FormData) => {
      draftStore.save(user, taskId, data);
      setStatus('pending');
      clearTimeout(timer.current);
      timer.current = setTimeout(() => void push().catch(() => undefined), AUTOSAVE_DELAY_MS);
    },
    [user, taskId, push],
  );

  /** 保存草稿: now, not after the pause. */
  const saveNow = useCallback(
    (data: FormData) => {
      draftStore.save(user, taskId, data);
      return push();
    },
    [user, taskId, push],
  );

  const forget = useCallback(() => {
    clearTimeout(timer.current);
    timer.current = undefined;
    draftStore.remove(user, taskId);
  }, [user, taskId]);

  useEffect(() => {
    const retry = () => void push().catch(() => undefined);
    window.addEventListener('online', retry);
    return () => {
      window.removeEventListener('online', retry);
      if (timer.current !== undefined) retry();
    };
  }, [push]);

  return { status, record, saveNow, forget, local: () => draftStore.load(user, taskId) };
}
