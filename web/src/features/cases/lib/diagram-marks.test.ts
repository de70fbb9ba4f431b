import { describe, expect, it } from 'vitest';

import { diagramMarks, ELEMENT_MARKS, MARKER_CLASSES } from './diagram-marks';

const element = (id: string, state: string, counts: { completed?: number; active?: number; incident?: string } = {}) => ({
  id,
  state,
  completed: counts.completed ?? 0,
  active: counts.active ?? 0,
  incident: counts.incident ?? null,
});

const DRAWN = new Set(['start', 'screen_risk', 'accept_case', 'mediate', 'safety_plan', 'notify', 'flow_a', 'flow_b']);
const drawn = (id: string) => DRAWN.has(id);

describe('diagramMarks', () => {
  it('marks each drawn element by the state the API gives it', () => {
    const marks = diagramMarks(
      {
        elements: [
          element('start', 'completed', { completed: 1 }),
          element('screen_risk', 'active', { active: 1 }),
          element('accept_case', 'overdue', { active: 1 }),
          element('notify', 'incident', { incident: 'script failed' }),
        ],
        flows: ['flow_a'],
      },
      drawn,
    );
    expect(marks.elements).toEqual([
      { id: 'start', mark: 'completed' },
      { id: 'screen_risk', mark: 'active' },
      { id: 'accept_case', mark: 'overdue' },
      { id: 'notify', mark: 'incident' },
    ]);
    expect(marks.flows).toEqual(['flow_a']);
  });

  it("leaves out the steps of called processes, which the case's own diagram does not draw", () => {
    const marks = diagramMarks(
      { elements: [element('record_ruling', 'active', { active: 1 }), element('safety_plan', 'active', { active: 1 })], flows: ['flow_in_called', 'flow_b'] },
      drawn,
    );
    expect(marks.elements).toEqual([{ id: 'safety_plan', mark: 'active' }]);
    expect(marks.flows).toEqual(['flow_b']);
  });

  it('marks nothing where the case neither finished nor waits', () => {
    expect(diagramMarks({ elements: [element('mediate', 'completed')], flows: [] }, drawn).elements).toEqual([]);
  });

  it('counts the rounds of a step finished more than once', () => {
    const marks = diagramMarks(
      { elements: [element('mediate', 'active', { completed: 3, active: 1 }), element('start', 'completed', { completed: 1 })], flows: [] },
      drawn,
    );
    expect(marks.rounds).toEqual([{ id: 'mediate', count: 3 }]);
    expect(marks.elements[0]).toEqual({ id: 'mediate', mark: 'active' });
  });

  it('names each state by a stable class of its own', () => {
    const classes = [...ELEMENT_MARKS.map((mark) => MARKER_CLASSES[mark]), MARKER_CLASSES.taken];
    expect(new Set(classes).size).toBe(classes.length);
    expect(MARKER_CLASSES.overdue).toBe('case-step-overdue');
  });
});
