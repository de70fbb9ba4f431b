import type { AvailableDocument } from '../api/documents';

/** One button per template: its newest task (the list comes newest first). */
export function generatable(available: readonly AvailableDocument[], taskId?: string): AvailableDocument[] {
  const seen = new Set<string>();
  return available.filter((entry) => {
    if (taskId !== undefined && entry.task_id !== taskId) return false;
    if (seen.has(entry.template)) return false;
    seen.add(entry.template);
    return true;
  });
}

/** The first characters of a SHA-256, enough to compare a printout with the record. */
export function shortHash(sha256: string): string {
  return sha256.slice(0, 12);
}
