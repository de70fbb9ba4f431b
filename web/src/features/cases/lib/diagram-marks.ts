/** What the case did at an element, as the diagram marks it (GET /cases/{id}/diagram). */
export const ELEMENT_MARKS = ['completed', 'active', 'overdue', 'incident'] as const;
export type ElementMark = (typeof ELEMENT_MARKS)[number];

/**
 * The CSS classes the drawing's elements get (canvas.addMarker). Stable, readable names: the
 * browser tests and anyone inspecting a diagram find a step's state by them.
 */
export const MARKER_CLASSES: Record<ElementMark | 'taken', string> = {
  completed: 'case-step-completed',
  active: 'case-step-active',
  overdue: 'case-step-overdue',
  incident: 'case-step-incident',
  taken: 'case-flow-taken',
};

interface DiagramState {
  elements: readonly { id: string; state: string; completed: number; active: number; incident: string | null }[];
  flows: readonly string[];
}

export interface DiagramMarks {
  elements: { id: string; mark: ElementMark }[];
  /** The sequence flows the case took. */
  flows: string[];
  /** Steps finished more than once (a loop's rounds): how many times. */
  rounds: { id: string; count: number }[];
}

/**
 * The markers to put on the drawn diagram. Only what the drawing has is marked: the steps of
 * the processes a case calls belong to their own diagrams, and an element the case merely
 * passed a deadline through without finishing or waiting at has nothing to show.
 */
export function diagramMarks(state: DiagramState, drawn: (id: string) => boolean): DiagramMarks {
  const elements = state.elements.filter((element) => drawn(element.id));
  return {
    elements: elements.flatMap((element) => {
      const mark = markOf(element);
      return mark ? [{ id: element.id, mark }] : [];
    }),
    flows: state.flows.filter(drawn),
    rounds: elements.filter((element) => element.completed > 1).map((element) => ({ id: element.id, count: element.completed })),
  };
}

function markOf(element: DiagramState['elements'][number]): ElementMark | null {
  if (element.state === 'incident' || element.incident) return 'incident';
  if (element.state === 'overdue') return 'overdue';
  if (element.state === 'active' || element.active > 0) return 'active';
  return element.completed > 0 ? 'completed' : null;
}
