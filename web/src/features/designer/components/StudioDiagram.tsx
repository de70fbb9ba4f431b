import { Alert, Flex, Skeleton } from 'antd';
import { useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';

import { DiagramZoomBar } from '@/components/DiagramZoomBar';
import { useLazyDrawing } from '@/hooks/use-lazy-drawing';

import type { ElementMark, StudioMark } from '../lib/studio-marks';
import styles from './Designer.module.css';
import type { StudioDrawing } from './studio-viewer';

interface Props {
  xml: string | undefined;
  label: string;
  marks: readonly ElementMark[];
  legend: readonly StudioMark[];
  /** The element to select and bring into view (a clicked finding). */
  selected?: string | null;
}

/** A BPMN diagram with the studio's marks: what a diff added or changed, where lint found problems. */
export function StudioDiagram({ xml, label, marks, legend, selected = null }: Props) {
  const { t } = useTranslation();
  // Only a studio page that draws fetches the viewer.
  const draw = useMemo(
    () =>
      xml === undefined
        ? null
        : (element: HTMLDivElement) => import('./studio-viewer').then(({ drawStudioDiagram }) => drawStudioDiagram(element, xml, marks)),
    [xml, marks],
  );
  const { container, drawn, failed } = useLazyDrawing<StudioDrawing>(draw);

  useEffect(() => {
    drawn?.select(selected);
  }, [drawn, selected]);

  return (
    <Flex vertical gap={8}>
      {failed && <Alert type="warning" showIcon message={t('designer.diagram.failed')} />}
      <DiagramZoomBar drawn={drawn} />
      <figure className={styles.figure} aria-label={label} aria-busy={!drawn && !failed}>
        {xml === undefined && <Skeleton active />}
        <div ref={container} className={styles.canvas} hidden={xml === undefined} />
        {legend.length > 0 && (
          <figcaption>
            <ul className={styles.legend} aria-label={t('designer.diagram.legend')}>
              {legend.map((mark) => (
                <li key={mark}>
                  <span className={`${styles.swatch} ${styles[mark]}`} aria-hidden />
                  {t(`designer.marks.${mark}`)}
                </li>
              ))}
            </ul>
          </figcaption>
        )}
      </figure>
    </Flex>
  );
}
