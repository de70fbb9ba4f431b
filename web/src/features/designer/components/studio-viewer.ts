// The studio's diagram, loaded only when a studio page draws one (StudioDiagram imports this
// module dynamically): bpmn-js through lib/bpmn-canvas, and the studio's markers.
import './studio-marks.css';

import { drawBpmn, type DrawnDiagram } from '@/lib/bpmn-canvas';

import { STUDIO_MARKER_CLASSES, type ElementMark } from '../lib/studio-marks';

export interface StudioDrawing extends DrawnDiagram {
  /** Marks the element as selected and brings it into view; false when it is not drawn. */
  select(id: string | null): boolean;
}

export async function drawStudioDiagram(container: HTMLElement, xml: string, marks: readonly ElementMark[]): Promise<StudioDrawing> {
  const drawing = await drawBpmn(container, xml);
  const { canvas, registry } = drawing;
  for (const { id, mark } of marks) if (registry.get(id)) canvas.addMarker(id, STUDIO_MARKER_CLASSES[mark]);
  let selected: string | null = null;
  return {
    ...drawing,
    select(id) {
      if (selected && registry.get(selected)) canvas.removeMarker(selected, STUDIO_MARKER_CLASSES.selected);
      selected = null;
      const element = id ? registry.get(id) : undefined;
      if (!id || !element) return false;
      selected = id;
      canvas.addMarker(id, STUDIO_MARKER_CLASSES.selected);
      canvas.scrollToElement(element as Parameters<typeof canvas.scrollToElement>[0]);
      return true;
    },
  };
}
