import { fieldPath } from '@/lib/forms/field-errors';

import type { LocalDraft } from './draft-storage';

export type FormData = Record<string, unknown>;

export interface ServerDraft {
  data: FormData;
  saved_at: string;
}

/** The task's draft on the server, if it has one (the API sends null or {} when not). */
export function serverDraftOf(draft: unknown): ServerDraft | null {
  if (typeof draft !== 'object' || draft === null) return null;
  const { data, saved_at: savedAt } = draft as Partial<ServerDraft>;
  return typeof data === 'object' && data !== null && typeof savedAt === 'string' ? { data, saved_at: savedAt } : null;
}

interface Sources {
  schema: { properties?: Record<string, unknown> } | null | undefined;
  data: FormData;
  maskedFields: readonly string[];
  serverDraft: ServerDraft | null | undefined;
  localDraft: LocalDraft | null;
}

/**
 * What the form opens with: the newest draft — edits this browser has not sent yet, or the
 * one saved on the server (perhaps from another device) — else the case data the form asks
 * for. Masked values are left out: sent back, "138****0001" would overwrite the real number.
 */
export function initialFormData({ schema, data, maskedFields, serverDraft, localDraft }: Sources): FormData {
  const unsent = localDraft && !localDraft.synced ? localDraft : null;
  if (unsent && (!serverDraft || Date.parse(unsent.savedAt) >= Date.parse(serverDraft.saved_at))) return unsent.data;
  if (serverDraft) return serverDraft.data;
  return withoutMasked(declaredFields(schema, data), maskedFields);
}

/** Only the fields the form declares: the case's other data is not this form's to send. */
export function declaredFields(schema: Sources['schema'], data: FormData): FormData {
  const declared = Object.keys(schema?.properties ?? {});
  return Object.fromEntries(declared.filter((name) => data[name] !== undefined).map((name) => [name, structuredClone(data[name])]));
}

/** `data` without the values at `paths` (the API's `parties[0].phone`). */
export function withoutMasked(data: FormData, paths: readonly string[]): FormData {
  const copy = structuredClone(data);
  for (const path of paths) {
    const parts = fieldPath(path);
    const last = parts.pop();
    let node: unknown = copy;
    for (const part of parts) node = isContainer(node) ? (node as Record<string, unknown>)[part] : undefined;
    if (last !== undefined && isContainer(node)) Reflect.deleteProperty(node, last);
  }
  return copy;
}

function isContainer(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}
