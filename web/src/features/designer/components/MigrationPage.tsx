import { Alert, Button, Card, Checkbox, Empty, List, Skeleton, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';

import { PageError } from '@/components/PageError';
import { errorMessage } from '@/lib/error-message';

import { type MigrationCandidate, type MigrationOutcome, useMigrate, useMigrationPreview, useVersions } from '../api/designer';
import styles from './Designer.module.css';
import { StudioHeader } from './StudioHeader';

/** 迁移: the open cases on older versions, which can move to the latest and why the others cannot. */
export function MigrationPage() {
  const { t } = useTranslation();
  const { key = '' } = useParams();
  const versions = useVersions(key);
  const preview = useMigrationPreview(key);
  const migrate = useMigrate(key);
  const [chosen, setChosen] = useState<string[]>([]);
  const name = versions.data?.name ?? key;

  let body;
  if (preview.isPending) body = <Skeleton active />;
  else if (preview.isError) body = <PageError error={preview.error} onRetry={() => void preview.refetch()} />;
  else if (!preview.data.cases.length) body = <Empty description={t('designer.migration.none', { version: preview.data.latest_version })} />;
  else
    body = (
      <List
        dataSource={preview.data.cases}
        rowKey="case_id"
        renderItem={(candidate) => (
          <Candidate
            candidate={candidate}
            checked={chosen.includes(candidate.case_id)}
            onToggle={(on) => setChosen((ids) => (on ? [...ids, candidate.case_id] : ids.filter((id) => id !== candidate.case_id)))}
          />
        )}
      />
    );
  const submit = () => migrate.mutate(chosen, { onSuccess: () => setChosen([]) });
  return (
    <>
      <StudioHeader title={`${t('designer.migration.title')}：${name}`} back={`/designer/processes/${encodeURIComponent(key)}`} backLabel={name} />
      {preview.data && (
        <Typography.Paragraph>
          {t('designer.migration.intro', { version: preview.data.latest_version, total: preview.data.total })}
        </Typography.Paragraph>
      )}
      {migrate.isError && <Alert type="error" showIcon message={errorMessage(t, migrate.error)} style={{ marginBottom: 16 }} />}
      {migrate.data && <Outcomes outcomes={migrate.data} />}
      <Card size="small" title={t('designer.migration.cases')} extra={<Button type="primary" disabled={!chosen.length} loading={migrate.isPending} onClick={submit}>{t('designer.migration.submit')}</Button>}>
        {body}
      </Card>
    </>
  );
}

function Candidate({ candidate, checked, onToggle }: { candidate: MigrationCandidate; checked: boolean; onToggle: (on: boolean) => void }) {
  const { t } = useTranslation();
  const caseNo = candidate.case_no ?? candidate.case_id;
  const steps = candidate.current_steps.map((step) => step.name || step.id).join('、') || t('designer.compare.none');
  return (
    <List.Item>
      <Space direction="vertical" size={2} style={{ width: '100%' }} className={styles.wrap}>
        <Space wrap>
          <Checkbox checked={checked} disabled={!candidate.can_move} onChange={(event) => onToggle(event.target.checked)} aria-label={t('designer.migration.choose', { case: caseNo })}>
            <Link to={`/cases/${encodeURIComponent(candidate.case_id)}`}>{caseNo}</Link>
          </Checkbox>
          <Tag>{t('designer.versions.number', { version: candidate.version })}</Tag>
          {candidate.can_move ? <Tag color="success">{t('designer.migration.movable')}</Tag> : <Tag color="error">{t('designer.migration.stuck')}</Tag>}
        </Space>
        <Typography.Text type="secondary">{t('designer.migration.currentSteps', { steps })}</Typography.Text>
        {!candidate.can_move && <Typography.Text type="danger">{candidate.reason}</Typography.Text>}
      </Space>
    </List.Item>
  );
}

function Outcomes({ outcomes }: { outcomes: MigrationOutcome[] }) {
  const { t } = useTranslation();
  const moved = outcomes.filter((o) => o.moved);
  const refused = outcomes.filter((o) => !o.moved);
  return (
    <Alert
      type={refused.length ? 'warning' : 'success'}
      showIcon
      role="status"
      style={{ marginBottom: 16 }}
      message={t('designer.migration.result', { moved: moved.length, refused: refused.length })}
      description={
        refused.length > 0 && (
          <ul className={styles.wrap} style={{ margin: 0, paddingInlineStart: 20 }}>
            {refused.map((o) => (
              <li key={o.case_id}>{o.reason}</li>
            ))}
          </ul>
        )
      }
    />
  );
}
