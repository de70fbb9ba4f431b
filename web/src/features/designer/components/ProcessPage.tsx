import { DiffOutlined, NodeIndexOutlined } from '@ant-design/icons';
import { Button, Card, List, Skeleton, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';

import { PageError } from '@/components/PageError';
import { formatDateTime } from '@/lib/due';

import { type RolledBack, useVersions, type VersionFacts } from '../api/designer';
import styles from './Designer.module.css';
import { RollbackButton } from './RollbackButton';
import { RollbackResult } from './RollbackResult';
import { StudioHeader } from './StudioHeader';

/** A process: its versions, when and by whom each was deployed, the cases on each. */
export function ProcessPage() {
  const { t } = useTranslation();
  const { key = '' } = useParams();
  const versions = useVersions(key);
  const [done, setDone] = useState<RolledBack | null>(null);
  if (versions.isPending) return <Skeleton active />;
  if (versions.isError) return <PageError error={versions.error} onRetry={() => void versions.refetch()} />;
  const { name, latest_version: latest } = versions.data;
  const actions = (
    <>
      <Link to="compare">
        <Button icon={<DiffOutlined />}>{t('designer.compare.button')}</Button>
      </Link>
      <Link to="migrate">
        <Button icon={<NodeIndexOutlined />}>{t('designer.migration.button')}</Button>
      </Link>
    </>
  );
  return (
    <>
      <StudioHeader title={name} back="/designer" backLabel={t('designer.processes.title')} actions={actions} />
      <RollbackResult done={done} />
      <Card size="small" title={t('designer.versions.title')}>
        <List
          dataSource={versions.data.versions}
          rowKey="version"
          renderItem={(version) => (
            <VersionItem version={version} actions={<RollbackButton processKey={key} version={version.version} latest={latest} onDone={setDone} />} />
          )}
        />
      </Card>
    </>
  );
}

function VersionItem({ version, actions }: { version: VersionFacts; actions: React.ReactNode }) {
  const { t, i18n } = useTranslation();
  const { cases } = version;
  return (
    <List.Item>
      <Space direction="vertical" size={4} style={{ width: '100%' }}>
        <Space wrap>
          <Link to={`versions/${version.version}`}>
            <Typography.Text strong>{t('designer.versions.number', { version: version.version })}</Typography.Text>
          </Link>
          {version.latest && <Tag color="success">{t('designer.versions.latest')}</Tag>}
          {version.same_as_version && <Tag>{t('designer.versions.sameAs', { version: version.same_as_version })}</Tag>}
        </Space>
        <Typography.Text type="secondary" className={styles.wrap}>
          {t('designer.versions.deployed', { at: formatDateTime(version.deployed_at, i18n.language), by: version.deployed_by })}
        </Typography.Text>
        <Typography.Text className={styles.wrap}>
          {t('designer.versions.cases', { running: cases.running, suspended: cases.suspended, incident: cases.incident, total: cases.total })}
        </Typography.Text>
        <Space wrap>
          <Link to={`versions/${version.version}`}>{t('designer.versions.view')}</Link>
          {actions}
        </Space>
      </Space>
    </List.Item>
  );
}
