import { Alert, Card, Flex, Select, Skeleton, Space, Table, Typography } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { DiagramZoomBar } from '@/components/DiagramZoomBar';
import { useLazyDrawing } from '@/hooks/use-lazy-drawing';
import type { DrawnDiagram } from '@/lib/bpmn-canvas';
import { errorMessage } from '@/lib/error-message';

import { useHeatmap, type HeatElement, type Heatmap as HeatmapData } from '../api/reports';
import type { CockpitFilters } from '../lib/filters';
import { formatWait, heatLevel, HEAT_LEVELS, slowestWait } from '../lib/heat';
import styles from './Dashboard.module.css';

/** Where cases of one process version pass and wait: colour by wait, figures on each step. */
export function Heatmap({ filters }: { filters: CockpitFilters }) {
  const { t } = useTranslation();
  const [process, setProcess] = useState<string | null>(null);
  const [version, setVersion] = useState<number | null>(null);
  const heatmap = useHeatmap(filters, process, version);
  const data = heatmap.data;
  return (
    <section aria-labelledby="heatmap-title" className={`${styles.section} ${styles.heatmap}`}>
      <Typography.Title level={3} id="heatmap-title">
        {t('dashboard.heatmap.title')}
      </Typography.Title>
      <Card size="small">
        {heatmap.isError && <Alert type="error" showIcon message={errorMessage(t, heatmap.error)} />}
        {data && (
          <Space wrap className={styles.noPrint}>
            <label htmlFor="heatmap-process">{t('dashboard.heatmap.process')}</label>
            <Select<string>
              id="heatmap-process"
              className={styles.select}
              value={data.process ?? undefined}
              options={(data.processes ?? []).map((p) => ({ value: p.key ?? '', label: p.name ?? p.key }))}
              onChange={(key) => {
                setProcess(key);
                setVersion(null);
              }}
            />
            <label htmlFor="heatmap-version">{t('dashboard.heatmap.version')}</label>
            <Select<number> id="heatmap-version" className={styles.narrowSelect} value={data.version} options={(data.versions ?? []).map((v) => ({ value: v, label: `v${v}` }))} onChange={setVersion} />
          </Space>
        )}
        {data ? <HeatmapBody data={data} /> : !heatmap.isError && <Skeleton active />}
      </Card>
    </section>
  );
}

function HeatmapBody({ data }: { data: HeatmapData }) {
  const { t } = useTranslation();
  const units = { hours: t('dashboard.heatmap.hours'), days: t('dashboard.heatmap.days') };
  const elements = data.elements ?? [];
  const slowest = slowestWait(elements);
  return (
    <Flex vertical gap={8}>
      <HeatCanvas data={data} badge={(e) => t('dashboard.heatmap.badge', { passed: e.passed ?? 0, waiting: e.waiting ?? 0, wait: formatWait(e.median_hours ?? e.waiting_median_hours, units) })} />
      <ul className={styles.heatLegend} aria-label={t('dashboard.heatmap.legend')}>
        {Array.from({ length: HEAT_LEVELS }, (_, index) => (
          <li key={index}>
            <span className={`${styles.heatSwatch} ${styles[`heat${index + 1}`]}`} aria-hidden />
            {t(`dashboard.heatmap.level${index + 1}`)}
          </li>
        ))}
      </ul>
      <div className={styles.tableBox}>
        <Table<HeatElement>
          size="small"
          rowKey="element_id"
          pagination={false}
          dataSource={[...elements].sort((a, b) => heatLevel(b, slowest) - heatLevel(a, slowest))}
          scroll={{ x: 'max-content' }}
          columns={[
            { title: t('dashboard.heatmap.step'), dataIndex: 'name' },
            { title: t('dashboard.heatmap.passed'), dataIndex: 'passed' },
            { title: t('dashboard.heatmap.waiting'), dataIndex: 'waiting' },
            { title: t('dashboard.heatmap.median'), dataIndex: 'median_hours', render: (h: number | null) => formatWait(h, units) },
            { title: 'P90', dataIndex: 'p90_hours', render: (h: number | null) => formatWait(h, units) },
            { title: t('dashboard.heatmap.waitingSoFar'), dataIndex: 'waiting_median_hours', render: (h: number | null, row) => `${formatWait(h, units)} / ${formatWait(row.waiting_max_hours, units)}` },
          ]}
        />
      </div>
      <Typography.Paragraph type="secondary" className={styles.small}>
        {data.definition}
      </Typography.Paragraph>
    </Flex>
  );
}

function HeatCanvas({ data, badge }: { data: HeatmapData; badge: (element: HeatElement) => string }) {
  const { t } = useTranslation();
  const label = useRef(badge);
  useEffect(() => {
    label.current = badge;
  });

  // The viewer is fetched only when the heatmap is drawn.
  const draw = useMemo(
    () =>
      data.bpmn
        ? (element: HTMLDivElement) =>
            import('./heatmap-viewer').then(({ drawHeatmap }) => drawHeatmap(element, data.bpmn ?? '', data.elements ?? [], (e) => label.current(e)))
        : null,
    [data],
  );
  const { container, drawn, failed } = useLazyDrawing<DrawnDiagram>(draw);

  return (
    <>
      {failed && <Alert type="warning" showIcon message={t('dashboard.heatmap.failed')} />}
      <div className={styles.noPrint}>
        <DiagramZoomBar drawn={drawn} />
      </div>
      <figure className={styles.figure} aria-label={t('dashboard.heatmap.label', { process: data.name, version: data.version })} aria-busy={!drawn && !failed}>
        <div ref={container} className={styles.canvas} />
      </figure>
    </>
  );
}
