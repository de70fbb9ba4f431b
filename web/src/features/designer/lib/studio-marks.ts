/** How the studio marks elements on a drawn diagram (bpmn-js markers). */
export const STUDIO_MARKS = ['added', 'changed', 'error', 'warning', 'selected'] as const;
export type StudioMark = (typeof STUDIO_MARKS)[number];

/**
 * The CSS classes the drawing's elements get (canvas.addMarker). Stable, readable names: the
 * browser tests and anyone inspecting a diagram find an element's mark by them.
 */
export const STUDIO_MARKER_CLASSES: Record<StudioMark, string> = {
  added: 'designer-added',
  changed: 'designer-changed',
  error: 'designer-finding-error',
  warning: 'designer-finding-warning',
  selected: 'designer-selected',
};

export interface ElementMark {
  id: string;
  mark: StudioMark;
}

interface Changed {
  id: string;
}

interface DiffLike {
  elements: { added: readonly Changed[]; changed: readonly Changed[] };
  flows: { added: readonly Changed[]; changed: readonly Changed[] };
}

/** What a diff marks on the newer version's drawing: what was added and what changed (what was
 * removed is not on it). */
export function diffMarks(diff: DiffLike): ElementMark[] {
  return [
    ...[...diff.elements.added, ...diff.flows.added].map(({ id }) => ({ id, mark: 'added' as const })),
    ...[...diff.elements.changed, ...diff.flows.changed].map(({ id }) => ({ id, mark: 'changed' as const })),
  ];
}

interface FindingLike {
  severity: string;
  file?: string | null;
  element_id?: string | null;
}

/** The elements of `file` that lint findings point at; an element with an error and a warning
 * is marked as an error. */
export function findingMarks(findings: readonly FindingLike[], file: string): ElementMark[] {
  const marks = new Map<string, StudioMark>();
  for (const finding of findings) {
    if (finding.file !== file || !finding.element_id) continue;
    const mark = finding.severity === 'error' ? 'error' : 'warning';
    if (marks.get(finding.element_id) !== 'error') marks.set(finding.element_id, mark);
  }
  return [...marks].map(([id, mark]) => ({ id, mark }));
}

export function hasErrors(findings: readonly FindingLike[]): boolean {
  return findings.some((finding) => finding.severity === 'error');
}

/** Errors first, then by file and line, as a designer fixes them. */
export function sortedFindings<T extends FindingLike & { line?: number | null }>(findings: readonly T[]): T[] {
  const rank = (f: T) => (f.severity === 'error' ? 0 : 1);
  return [...findings].sort((a, b) => rank(a) - rank(b) || (a.file ?? '').localeCompare(b.file ?? '') || (a.line ?? 0) - (b.line ?? 0));
}

/** The BPMN file to draw first: the first with an error, else the first with any finding, else the first. */
export function firstFileToDraw(bpmnFiles: readonly string[], findings: readonly FindingLike[]): string | null {
  const withError = bpmnFiles.find((file) => findings.some((f) => f.file === file && f.severity === 'error'));
  return withError ?? bpmnFiles.find((file) => findings.some((f) => f.file === file)) ?? bpmnFiles[0] ?? null;
}
