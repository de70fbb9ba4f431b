// The heatmap's heavy part, loaded only when the cockpit draws it: bpmn-js (through
// lib/bpmn-canvas) and the heat colours.
import './heatmap.css';

import { drawBpmn, type DrawnDiagram } from '@/lib/bpmn-canvas';

import type { HeatElement } from '../api/reports';
import { heatLevel, slowestWait } from '../lib/heat';

export type { DrawnDiagram };

/** Draws the process and marks each step people do with its heat and a badge of its figures. */
export async function drawHeatmap(container: HTMLElement, bpmn: string, elements: readonly HeatElement[], badge: (element: HeatElement) => string): Promise<DrawnDiagram> {
  const drawing = await drawBpmn(container, bpmn);
  const { canvas, registry, overlays } = drawing;
  const slowest = slowestWait(elements);
  for (const element of elements) {
    const id = element.element_id ?? '';
    if (!registry.get(id)) continue;
    const level = heatLevel(element, slowest);
    if (level) canvas.addMarker(id, `heat-${level}`);
    const html = document.createElement('span');
    html.className = 'heat-badge';
    html.textContent = badge(element);
    overlays.add(id, 'heat', { position: { bottom: 4, left: 0 }, html });
  }
  return drawing;
}
