import { Alert, Card, Flex, Skeleton } from 'antd';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';

import { DiagramZoomBar } from '@/components/DiagramZoomBar';
import { useLazyDrawing } from '@/hooks/use-lazy-drawing';
import { PageError } from '@/components/PageError';

import { useCaseDiagram, type CaseDiagram as Diagram } from '../api/cases';
import { ELEMENT_MARKS } from '../lib/diagram-marks';
import styles from './CaseDiagram.module.css';
import type { DrawnDiagram } from './diagram-viewer';

/** The case on its process diagram: what is done, open, overdue or stopped, and the path it took. */
export function CaseDiagram({ caseId, processName }: { caseId: string; processName: string }) {
  const { t } = useTranslation();
  const diagram = useCaseDiagram(caseId);

  let body;
  if (diagram.isPending) body = <Skeleton active />;
  else if (diagram.isError) body = <PageError error={diagram.error} onRetry={() => void diagram.refetch()} />;
  else body = <DiagramCanvas diagram={diagram.data} label={t('case.diagram.label', { process: processName, version: diagram.data.version })} />;
  return (
    <Card size="small" title={t('case.diagram.title')} className={styles.card}>
      {body}
    </Card>
  );
}

function DiagramCanvas({ diagram, label }: { diagram: Diagram; label: string }) {
  const { t } = useTranslation();
  // Only a case page that draws its diagram fetches the viewer.
  const draw = useCallback(
    (element: HTMLDivElement) =>
      import('./diagram-viewer').then(({ drawCaseDiagram }) => drawCaseDiagram(element, diagram, (count) => t('case.diagram.rounds', { count }))),
    [diagram, t],
  );
  const { container, drawn, failed } = useLazyDrawing<DrawnDiagram>(draw);

  return (
    <Flex vertical gap={8}>
      {failed && <Alert type="warning" showIcon message={t('case.diagram.failed')} />}
      <DiagramZoomBar drawn={drawn} />
      <figure className={styles.figure} aria-label={label} aria-busy={!drawn && !failed}>
        <div ref={container} className={styles.canvas} />
        <figcaption>
          <Legend />
        </figcaption>
      </figure>
    </Flex>
  );
}

function Legend() {
  const { t } = useTranslation();
  return (
    <ul className={styles.legend} aria-label={t('case.diagram.legend.title')}>
      {ELEMENT_MARKS.map((mark) => (
        <li key={mark}>
          <span className={`${styles.swatch} ${styles[mark]}`} aria-hidden />
          {t(`case.diagram.legend.${mark}`)}
        </li>
      ))}
      <li>
        <span className={`${styles.swatch} ${styles.taken}`} aria-hidden />
        {t('case.diagram.legend.taken')}
      </li>
      <li>
        <span className={styles.rounds} aria-hidden>
          ×2
        </span>
        {t('case.diagram.legend.rounds')}
      </li>
    </ul>
  );
}
