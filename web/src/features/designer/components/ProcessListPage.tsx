import { BookOutlined, UploadOutlined } from '@ant-design/icons';
import { Button, Card, List, Skeleton, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { PageError } from '@/components/PageError';

import { useProcesses } from '../api/designer';
import styles from './Designer.module.css';
import { StudioHeader } from './StudioHeader';

/** Every deployed process, by its Chinese name, with its latest version. */
export function ProcessListPage() {
  const { t } = useTranslation();
  const processes = useProcesses();
  const actions = (
    <>
      <Link to="upload">
        <Button type="primary" icon={<UploadOutlined />}>
          {t('designer.upload.title')}
        </Button>
      </Link>
      <Link to="guide">
        <Button icon={<BookOutlined />}>{t('designer.guide.link')}</Button>
      </Link>
    </>
  );
  let body;
  if (processes.isPending) body = <Skeleton active />;
  else if (processes.isError) body = <PageError error={processes.error} onRetry={() => void processes.refetch()} />;
  else
    body = (
      <List
        dataSource={processes.data}
        rowKey="key"
        renderItem={(process) => (
          <List.Item>
            <List.Item.Meta
              title={<Link to={`processes/${encodeURIComponent(process.key)}`}>{process.name}</Link>}
              description={
                <span className={styles.wrap}>
                  <Typography.Text type="secondary">{process.key}</Typography.Text> <Tag>{t('designer.versions.latestIs', { version: process.latest_version })}</Tag>
                  {t('designer.versions.count', { count: process.versions.length })}
                </span>
              }
            />
          </List.Item>
        )}
      />
    );
  return (
    <>
      <StudioHeader title={t('nav.designer')} actions={actions} />
      <Card title={t('designer.processes.title')} size="small">
        {body}
      </Card>
    </>
  );
}
