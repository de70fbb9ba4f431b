// The diagram's heavy part, loaded only when a case page draws its diagram (CaseDiagram
// imports this module dynamically): bpmn-js (through lib/bpmn-canvas), and the state markers.
import './diagram-marks.css';

import { drawBpmn, type DrawnDiagram } from '@/lib/bpmn-canvas';

import type { CaseDiagram } from '../api/cases';
import { diagramMarks, MARKER_CLASSES } from '../lib/diagram-marks';

export type { DrawnDiagram };

/**
 * Draws the case's BPMN into `container` and marks what the case did: finished steps, open
 * ones, overdue ones, incidents, the flows it took, and how many rounds a repeated step ran.
 */
export async function drawCaseDiagram(container: HTMLElement, diagram: CaseDiagram, roundsTitle: (count: number) => string): Promise<DrawnDiagram> {
  const drawing = await drawBpmn(container, diagram.bpmn);
  const { canvas, registry, overlays } = drawing;
  const marks = diagramMarks(diagram, (id) => registry.get(id) !== undefined);
  for (const { id, mark } of marks.elements) canvas.addMarker(id, MARKER_CLASSES[mark]);
  for (const id of marks.flows) canvas.addMarker(id, MARKER_CLASSES.taken);
  for (const { id, count } of marks.rounds) overlays.add(id, 'rounds', { position: { top: -10, right: 10 }, html: roundsBadge(count, roundsTitle(count)) });
  return drawing;
}

function roundsBadge(count: number, title: string): HTMLElement {
  const badge = document.createElement('span');
  badge.className = 'case-step-rounds';
  badge.textContent = `×${count}`;
  badge.title = title;
  return badge;
}
