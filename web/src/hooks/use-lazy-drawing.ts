import { useEffect, useRef, useState } from 'react';

/**
 * Draws into a container with code that is imported on demand (bpmn-js is a large download, so
 * only the pages that draw fetch it): the drawing once ready, or that it failed. `draw` must keep
 * its identity while its inputs stay the same (useCallback); null draws nothing. A drawing that
 * arrives after its inputs changed or the page left is destroyed, never shown.
 */
export function useLazyDrawing<D extends { destroy(): void }>(draw: ((element: HTMLDivElement) => Promise<D>) | null) {
  const container = useRef<HTMLDivElement>(null);
  const [drawn, setDrawn] = useState<D | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    const element = container.current;
    if (!element || !draw) return;
    let cancelled = false;
    let current: D | null = null;
    draw(element)
      .then((result) => {
        if (cancelled) result.destroy();
        else {
          current = result;
          setDrawn(result);
        }
      })
      .catch((error: unknown) => {
        console.error(error);
        if (!cancelled) setFailed(true);
      });
    return () => {
      cancelled = true;
      current?.destroy();
      setDrawn(null);
      setFailed(false);
    };
  }, [draw]);

  return { container, drawn, failed };
}
