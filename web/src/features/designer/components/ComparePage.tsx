import { Card, Col, Flex, Row, Select, Skeleton } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams, useSearchParams } from 'react-router';

import { PageError } from '@/components/PageError';

import { useDiff, useVersionBpmn, useVersions } from '../api/designer';
import { diffMarks, type StudioMark } from '../lib/studio-marks';
import { DiffLists } from './DiffLists';
import { StudioDiagram } from './StudioDiagram';
import { StudioHeader } from './StudioHeader';

const LEGEND: StudioMark[] = ['added', 'changed'];

/** 比较版本: what changed from one version to another, listed and marked on the newer diagram. */
export function ComparePage() {
  const { t } = useTranslation();
  const { key = '' } = useParams();
  const [search, setSearch] = useSearchParams();
  const versions = useVersions(key);
  const numbers = versions.data?.versions.map((v) => v.version) ?? [];
  const to = numberIn(search.get('to'), numbers) ?? numbers[0] ?? null;
  const from = numberIn(search.get('from'), numbers) ?? numbers[1] ?? numbers[0] ?? null;
  const diff = useDiff(key, from, to);
  const bpmn = useVersionBpmn(key, to);
  const marks = useMemo(() => (diff.data ? diffMarks(diff.data) : []), [diff.data]);

  if (versions.isPending) return <Skeleton active />;
  if (versions.isError) return <PageError error={versions.error} onRetry={() => void versions.refetch()} />;
  const name = versions.data.name;
  const options = numbers.map((version) => ({ value: version, label: t('designer.versions.number', { version }) }));
  const choose = (which: 'from' | 'to', value: number) => {
    const next = new URLSearchParams(search);
    next.set(which, String(value));
    if (!next.get(which === 'from' ? 'to' : 'from')) next.set(which === 'from' ? 'to' : 'from', String(which === 'from' ? to : from));
    setSearch(next, { replace: true });
  };
  const title = t('designer.compare.title');
  return (
    <>
      <StudioHeader title={`${title}：${name}`} back={`/designer/processes/${encodeURIComponent(key)}`} backLabel={name} />
      <Flex wrap gap={12} align="center" style={{ marginBottom: 16 }}>
        <label>
          {t('designer.compare.from')}{' '}
          <Select aria-label={t('designer.compare.from')} value={from} options={options} onChange={(v: number) => choose('from', v)} style={{ minWidth: 110 }} />
        </label>
        <span aria-hidden>→</span>
        <label>
          {t('designer.compare.to')}{' '}
          <Select aria-label={t('designer.compare.to')} value={to} options={options} onChange={(v: number) => choose('to', v)} style={{ minWidth: 110 }} />
        </label>
      </Flex>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <Card size="small" title={t('designer.compare.changes')}>
            {diff.isPending ? <Skeleton active /> : diff.isError ? <PageError error={diff.error} /> : <DiffLists diff={diff.data} />}
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card size="small" title={t('designer.compare.diagram', { version: to })}>
            <StudioDiagram xml={diff.data ? bpmn.data : undefined} label={t('designer.versions.titleOf', { process: name, version: to })} marks={marks} legend={LEGEND} />
          </Card>
        </Col>
      </Row>
    </>
  );
}

function numberIn(raw: string | null, numbers: number[]): number | null {
  const value = Number(raw);
  return raw && numbers.includes(value) ? value : null;
}
