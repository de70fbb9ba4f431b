import type { FormData } from './prefill';

/**
 * Drafts kept in the browser, per user and task, so that nothing typed is lost when the
 * connection drops: every edit is written here at once, and `synced` turns true when the
 * server has it. Unsynced drafts are sent when the network returns.
 */
export interface LocalDraft {
  data: FormData;
  savedAt: string;
  synced: boolean;
}

const PREFIX = 'jiahe.draft.';

export class DraftStore {
  constructor(private readonly storage: Storage) {}

  load(user: string, taskId: string): LocalDraft | null {
    return parseDraft(this.storage.getItem(draftKey(user, taskId)));
  }

  save(user: string, taskId: string, data: FormData, now: Date = new Date()): LocalDraft {
    const draft: LocalDraft = { data, savedAt: now.toISOString(), synced: false };
    this.write(user, taskId, draft);
    return draft;
  }

  /** The server has the draft saved at `savedAt`; an edit made since stays unsynced. */
  markSynced(user: string, taskId: string, savedAt: string): void {
    const draft = this.load(user, taskId);
    if (draft && draft.savedAt === savedAt) this.write(user, taskId, { ...draft, synced: true });
  }

  remove(user: string, taskId: string): void {
    this.storage.removeItem(draftKey(user, taskId));
  }

  /** The user's drafts the server does not have yet. */
  unsynced(user: string): { taskId: string; draft: LocalDraft }[] {
    return this.ownKeys(user)
      .map(({ key, taskId }) => ({ taskId, draft: parseDraft(this.storage.getItem(key)) }))
      .filter((entry): entry is { taskId: string; draft: LocalDraft } => entry.draft !== null && !entry.draft.synced);
  }

  /** On logout: drop what the server already keeps, so the next person at this computer cannot read it. */
  forgetSynced(user: string): void {
    for (const { key } of this.ownKeys(user)) {
      const draft = parseDraft(this.storage.getItem(key));
      if (!draft || draft.synced) this.storage.removeItem(key);
    }
  }

  private write(user: string, taskId: string, draft: LocalDraft): void {
    try {
      this.storage.setItem(draftKey(user, taskId), JSON.stringify(draft));
    } catch {
      // Storage full or disabled (private browsing): the server copy is all there is.
    }
  }

  private ownKeys(user: string): { key: string; taskId: string }[] {
    const prefix = draftKey(user, '');
    const keys: { key: string; taskId: string }[] = [];
    for (let i = 0; i < this.storage.length; i++) {
      const key = this.storage.key(i);
      if (key?.startsWith(prefix)) keys.push({ key, taskId: key.slice(prefix.length) });
    }
    return keys;
  }
}

function draftKey(user: string, taskId: string): string {
  return `${PREFIX}${encodeURIComponent(user)}/${taskId}`;
}

function parseDraft(text: string | null): LocalDraft | null {
  if (!text) return null;
  try {
    const value = JSON.parse(text) as Partial<LocalDraft>;
    if (typeof value.data !== 'object' || value.data === null || typeof value.savedAt !== 'string') return null;
    return { data: value.data, savedAt: value.savedAt, synced: Boolean(value.synced) };
  } catch {
    return null;
  }
}
