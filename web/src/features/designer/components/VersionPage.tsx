import { Card, Skeleton } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';

import { PageError } from '@/components/PageError';

import { type RolledBack, useVersionBpmn, useVersions } from '../api/designer';
import { RollbackButton } from './RollbackButton';
import { RollbackResult } from './RollbackResult';
import { StudioDiagram } from './StudioDiagram';
import { StudioHeader } from './StudioHeader';

const NO_MARKS = [] as const;

/** One version's diagram, as deployed. */
export function VersionPage() {
  const { t } = useTranslation();
  const { key = '', version: raw = '' } = useParams();
  const version = Number(raw);
  const versions = useVersions(key);
  const bpmn = useVersionBpmn(key, Number.isInteger(version) ? version : null);
  const [done, setDone] = useState<RolledBack | null>(null);
  if (versions.isPending) return <Skeleton active />;
  if (versions.isError) return <PageError error={versions.error} onRetry={() => void versions.refetch()} />;
  const name = versions.data.name;
  const title = t('designer.versions.titleOf', { process: name, version });
  return (
    <>
      <StudioHeader
        title={title}
        back={`/designer/processes/${encodeURIComponent(key)}`}
        backLabel={name}
        actions={<RollbackButton processKey={key} version={version} latest={versions.data.latest_version} onDone={setDone} />}
      />
      <RollbackResult done={done} />
      <Card size="small" title={t('designer.diagram.title')}>
        {bpmn.isError ? <PageError error={bpmn.error} onRetry={() => void bpmn.refetch()} /> : <StudioDiagram xml={bpmn.data} label={title} marks={NO_MARKS} legend={NO_MARKS} />}
      </Card>
    </>
  );
}
