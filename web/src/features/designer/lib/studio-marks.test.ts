import { describe, expect, it } from 'vitest';

import { diffMarks, findingMarks, firstFileToDraw, hasErrors, sortedFindings } from './studio-marks';

const finding = (severity: string, file: string | null, element_id: string | null, line: number | null = null) => ({ severity, file, element_id, line });

describe('the marks of a diff', () => {
  it('mark added and changed elements and flows, never removed ones', () => {
    const diff = {
      elements: { added: [{ id: 'new_step' }], changed: [{ id: 'screen_risk' }], removed: [{ id: 'gone' }] },
      flows: { added: [{ id: 'f_new' }], changed: [{ id: 'f_old' }], removed: [] },
    };
    expect(diffMarks(diff)).toEqual([
      { id: 'new_step', mark: 'added' },
      { id: 'f_new', mark: 'added' },
      { id: 'screen_risk', mark: 'changed' },
      { id: 'f_old', mark: 'changed' },
    ]);
  });
});

describe('the marks of lint findings', () => {
  it('mark the elements of the drawn file only, an error over a warning', () => {
    const findings = [finding('warning', 'a.bpmn', 'task'), finding('error', 'a.bpmn', 'task'), finding('warning', 'a.bpmn', 'flow'), finding('error', 'b.bpmn', 'other'), finding('error', 'a.bpmn', null)];
    expect(findingMarks(findings, 'a.bpmn')).toEqual([
      { id: 'task', mark: 'error' },
      { id: 'flow', mark: 'warning' },
    ]);
  });

  it('tell whether anything blocks a deploy', () => {
    expect(hasErrors([finding('warning', 'a.bpmn', null)])).toBe(false);
    expect(hasErrors([finding('error', 'a.bpmn', null)])).toBe(true);
  });

  it('sort errors first, then by file and line', () => {
    const sorted = sortedFindings([finding('warning', 'a.bpmn', null, 1), finding('error', 'b.bpmn', null, 9), finding('error', 'b.bpmn', null, 3)]);
    expect(sorted.map((f) => [f.severity, f.line])).toEqual([
      ['error', 3],
      ['error', 9],
      ['warning', 1],
    ]);
  });

  it('draw the file with an error first', () => {
    expect(firstFileToDraw(['a.bpmn', 'b.bpmn'], [finding('warning', 'a.bpmn', 'x'), finding('error', 'b.bpmn', 'y')])).toBe('b.bpmn');
    expect(firstFileToDraw(['a.bpmn', 'b.bpmn'], [finding('warning', 'b.bpmn', 'x')])).toBe('b.bpmn');
    expect(firstFileToDraw(['a.bpmn'], [])).toBe('a.bpmn');
    expect(firstFileToDraw([], [])).toBeNull();
  });
});
