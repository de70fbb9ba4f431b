// The BPMN drawing both the case page and the designer's studio use: bpmn-js's viewer fitted
// to its box, with zoom buttons' actions and touch navigation. bpmn-js is heavy: import this
// module only from a module that is itself loaded dynamically by the page that draws.
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';

import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import type Canvas from 'diagram-js/lib/core/Canvas';
import type ElementRegistry from 'diagram-js/lib/core/ElementRegistry';
import type Overlays from 'diagram-js/lib/features/overlays/Overlays';

const ZOOM_STEP = 1.5;
const MIN_ZOOM = 0.2;
const MAX_ZOOM = 4;
const MIN_HEIGHT = 240;
const MAX_HEIGHT = 640;
const FIT_MARGIN = 16;

/** What a page's zoom buttons need of a drawing. */
export interface DrawnDiagram {
  zoomIn(): void;
  zoomOut(): void;
  fit(): void;
  destroy(): void;
}

export interface BpmnDrawing extends DrawnDiagram {
  canvas: Canvas;
  registry: ElementRegistry;
  overlays: Overlays;
}

/**
 * Draws `xml` into `container`, fitted to its width. bpmn-js keeps each element's BPMN id
 * (data-element-id), so checks can find the steps.
 */
export async function drawBpmn(container: HTMLElement, xml: string): Promise<BpmnDrawing> {
  const viewer = new NavigatedViewer({ container });
  try {
    await viewer.importXML(xml);
  } catch (error) {
    viewer.destroy();
    throw error;
  }
  const canvas = viewer.get<Canvas>('canvas');
  // Zooming out stops at the whole diagram, however small that is on a phone.
  let lowest = MIN_ZOOM;
  const clampZoom = (scale: number) => Math.min(MAX_ZOOM, Math.max(lowest, scale));
  const fit = () => {
    canvas.resized();
    lowest = Math.min(MIN_ZOOM, canvas.zoom('fit-viewport'));
  };
  fitHeight(container, canvas);
  fit();
  const resizing = new ResizeObserver(() => canvas.resized());
  resizing.observe(container);
  const stopTouch = touchNavigation(container, canvas, clampZoom);
  return {
    canvas,
    registry: viewer.get<ElementRegistry>('elementRegistry'),
    overlays: viewer.get<Overlays>('overlays'),
    zoomIn: () => canvas.zoom(clampZoom(canvas.zoom() * ZOOM_STEP)),
    zoomOut: () => canvas.zoom(clampZoom(canvas.zoom() / ZOOM_STEP)),
    fit,
    destroy: () => {
      stopTouch();
      resizing.disconnect();
      viewer.destroy();
    },
  };
}

/**
 * A canvas as tall as the diagram drawn at the card's width needs, within bounds: a wide
 * process leaves no empty band below it, a tall one does not fill the screen.
 */
function fitHeight(container: HTMLElement, canvas: Canvas): void {
  const { inner } = canvas.viewbox();
  if (!inner.width) return;
  const wanted = (container.clientWidth * inner.height) / inner.width + 2 * FIT_MARGIN;
  const most = Math.min(MAX_HEIGHT, window.innerHeight * 0.7);
  container.style.height = `${Math.round(Math.min(most, Math.max(MIN_HEIGHT, wanted)))}px`;
}

/**
 * Panning with one finger and zooming with two. bpmn-js moves the canvas only with a mouse;
 * without this a phone could look at nothing but the fitted overview.
 */
function touchNavigation(container: HTMLElement, canvas: Canvas, clampZoom: (scale: number) => number): () => void {
  const touches = new Map<number, { x: number; y: number }>();
  let pinch: { distance: number; zoom: number } | null = null;

  const point = (event: PointerEvent) => {
    const box = container.getBoundingClientRect();
    return { x: event.clientX - box.left, y: event.clientY - box.top };
  };
  const spread = () => {
    const [a, b] = [...touches.values()];
    return a && b ? { distance: Math.hypot(a.x - b.x, a.y - b.y), centre: { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 } } : null;
  };

  const down = (event: PointerEvent) => {
    if (event.pointerType !== 'touch') return;
    touches.set(event.pointerId, point(event));
    const two = spread();
    pinch = two && touches.size === 2 ? { distance: two.distance, zoom: canvas.zoom() } : null;
  };
  const move = (event: PointerEvent) => {
    const last = touches.get(event.pointerId);
    if (!last) return;
    const now = point(event);
    touches.set(event.pointerId, now);
    const two = spread();
    if (pinch && two && pinch.distance > 0) canvas.zoom(clampZoom((pinch.zoom * two.distance) / pinch.distance), two.centre);
    else if (touches.size === 1) canvas.scroll({ dx: now.x - last.x, dy: now.y - last.y });
  };
  const up = (event: PointerEvent) => {
    touches.delete(event.pointerId);
    pinch = null;
  };

  container.addEventListener('pointerdown', down);
  container.addEventListener('pointermove', move);
  container.addEventListener('pointerup', up);
  container.addEventListener('pointercancel', up);
  return () => {
    container.removeEventListener('pointerdown', down);
    container.removeEventListener('pointermove', move);
    container.removeEventListener('pointerup', up);
    container.removeEventListener('pointercancel', up);
  };
}
