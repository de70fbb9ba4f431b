import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Descriptions, Flex, Typography, Upload, message as antMessage } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ApiError } from '@/lib/api-error';
import { errorMessage } from '@/lib/error-message';

import { fetchOrgExport, useImportOrg, type ImportSummary } from '../api/admin';

const SUMMARY_KEYS = ['units_added', 'units_updated', 'users_added', 'users_updated', 'memberships_added'] as const;

/** 导入导出: an org file uploaded (its problems listed at their paths, or what it changed), or the current one saved. */
export function ImportExportTab() {
  const { t } = useTranslation();
  return (
    <Flex wrap gap={16} align="start">
      <ImportCard />
      <Card title={t('admin.export.title')} size="small" style={{ flex: '1 1 280px', minWidth: 0 }}>
        <Typography.Paragraph>{t('admin.export.intro')}</Typography.Paragraph>
        <ExportButton />
      </Card>
    </Flex>
  );
}

function ImportCard() {
  const { t } = useTranslation();
  const importOrg = useImportOrg();
  const [fileName, setFileName] = useState<string | null>(null);
  const choose = (file: File) => {
    setFileName(file.name);
    void file.text().then((text) => importOrg.mutate(text));
    return false; // sent by the mutation, not by Upload's own request
  };
  return (
    <Card title={t('admin.import.title')} size="small" style={{ flex: '2 1 320px', minWidth: 0 }}>
      <Typography.Paragraph>{t('admin.import.intro')}</Typography.Paragraph>
      <Upload accept=".yaml,.yml,application/yaml,text/yaml" showUploadList={false} beforeUpload={choose} disabled={importOrg.isPending}>
        <Button icon={<UploadOutlined />} loading={importOrg.isPending}>
          {t('admin.import.choose')}
        </Button>
      </Upload>
      <div aria-live="polite" style={{ marginTop: 16 }}>
        {importOrg.isSuccess && <ImportDone summary={importOrg.data} fileName={fileName} />}
        {importOrg.isError && <ImportRefused error={importOrg.error} fileName={fileName} />}
      </div>
    </Card>
  );
}

function ImportDone({ summary, fileName }: { summary: ImportSummary; fileName: string | null }) {
  const { t } = useTranslation();
  const changed = SUMMARY_KEYS.some((key) => summary[key]);
  return (
    <Alert
      type="success"
      showIcon
      message={t(changed ? 'admin.import.done' : 'admin.import.unchanged', { file: fileName })}
      description={
        changed && (
          <Descriptions
            column={1}
            size="small"
            items={SUMMARY_KEYS.map((key) => ({ key, label: t(`admin.import.summary.${key}`), children: summary[key] ?? 0 }))}
          />
        )
      }
    />
  );
}

/** Every problem at its place in the file (units.3.parent), in the server's words (Chinese). */
function ImportRefused({ error, fileName }: { error: unknown; fileName: string | null }) {
  const { t } = useTranslation();
  const problems = error instanceof ApiError ? error.fieldErrors : [];
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      message={problems.length ? t('admin.import.refused', { file: fileName, count: problems.length }) : errorMessage(t, error)}
      description={
        problems.length > 0 && (
          <ul style={{ margin: 0, paddingInlineStart: 20 }}>
            {problems.map((problem) => (
              <li key={`${problem.field}:${problem.message}`} style={{ overflowWrap: 'anywhere' }}>
                <Typography.Text code>{problem.field}</Typography.Text> {problem.message}
              </li>
            ))}
          </ul>
        )
      }
    />
  );
}

function ExportButton() {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [message, holder] = antMessage.useMessage();
  const download = async () => {
    setBusy(true);
    try {
      const { blob, fileName } = await fetchOrgExport();
      const url = URL.createObjectURL(blob);
      const link = Object.assign(document.createElement('a'), { href: url, download: fileName });
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 0);
    } catch (error) {
      void message.error(errorMessage(t, error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      {holder}
      <Button type="primary" icon={<DownloadOutlined />} loading={busy} onClick={() => void download()}>
        {t('admin.export.download')}
      </Button>
    </>
  );
}
