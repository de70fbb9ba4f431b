import { DownloadOutlined, FileAddOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Flex, Form, Input, List, message as antMessage, Skeleton, Tag, Typography, Upload } from 'antd';
import type { UploadFile } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { FieldErrorsAlert } from '@/components/FieldErrorsAlert';
import { PageError } from '@/components/PageError';
import { ApiError } from '@/lib/api-error';
import { formatDateTime } from '@/lib/due';
import { errorMessage } from '@/lib/error-message';

import {
  downloadDocument,
  useAttachDocument,
  useCaseDocuments,
  useGenerateDocument,
  type AvailableDocument,
  type CaseDocument,
} from '../api/documents';
import { generatable, shortHash } from '../lib/documents';

const ACCEPTED = '.pdf,.jpg,.jpeg,.png,.docx,application/pdf,image/jpeg,image/png';

/**
 * 文书: the case's documents (generated from templates, or signed scans uploaded), with their
 * downloads; a button for each document its steps name; the upload of a signed scan.
 */
export function CaseDocuments({ caseId }: { caseId: string }) {
  const { t } = useTranslation();
  const documents = useCaseDocuments(caseId);
  const [message, holder] = antMessage.useMessage();

  let body;
  if (documents.isPending) body = <Skeleton active paragraph={{ rows: 2 }} />;
  else if (documents.isError) body = <PageError error={documents.error} onRetry={() => void documents.refetch()} />;
  else
    body = (
      <Flex vertical gap={12}>
        <DocumentList caseId={caseId} items={documents.data.items} notify={message} />
        <GenerateButtons caseId={caseId} available={generatable(documents.data.available)} notify={message} />
        <AttachForm caseId={caseId} notify={message} />
      </Flex>
    );
  return (
    <Card size="small" title={t('case.documents.title')} role="region" aria-label={t('case.documents.title')}>
      {holder}
      {body}
    </Card>
  );
}

export type Notify = ReturnType<typeof antMessage.useMessage>[0];

export function DocumentList({ caseId, items, notify }: { caseId: string; items: CaseDocument[]; notify: Notify }) {
  const { t, i18n } = useTranslation();
  const [downloading, setDownloading] = useState<string | null>(null);
  if (items.length === 0) return <Typography.Text type="secondary">{t('case.documents.empty')}</Typography.Text>;

  const download = (document: CaseDocument) => {
    setDownloading(document.id);
    downloadDocument(caseId, document)
      .then((name) => void notify.success(t('case.documents.downloaded', { name })))
      .catch((error: unknown) => void notify.error(errorMessage(t, error)))
      .finally(() => setDownloading(null));
  };
  return (
    <List
      size="small"
      aria-label={t('case.documents.listLabel')}
      dataSource={items}
      renderItem={(document) => (
        <List.Item>
          <Flex vertical gap={2} style={{ minWidth: 0, width: '100%' }}>
            <Flex wrap gap={8} align="center">
              <Typography.Text strong>{document.title}</Typography.Text>
              <Tag color={document.kind === 'generated' ? 'blue' : 'green'}>
                {t(document.kind === 'generated' ? 'case.documents.generated' : 'case.documents.uploaded')}
              </Tag>
            </Flex>
            <Typography.Text type="secondary">
              {t('case.documents.madeBy', {
                who: document.created_by_name ?? document.created_by,
                at: formatDateTime(document.created_at, i18n.language),
              })}
            </Typography.Text>
            <Typography.Text type="secondary" title={document.sha256}>
              SHA-256 <Typography.Text code>{shortHash(document.sha256)}</Typography.Text>
            </Typography.Text>
            {document.erased_at ? (
              <Typography.Text type="secondary">{t('case.documents.erased')}</Typography.Text>
            ) : (
              <div>
                <Button
                  type="link"
                  size="small"
                  style={{ paddingInline: 0 }}
                  icon={<DownloadOutlined />}
                  loading={downloading === document.id}
                  aria-label={t('case.documents.downloadLabel', { title: document.title })}
                  onClick={() => download(document)}
                >
                  {t('case.documents.download')}
                </Button>
              </div>
            )}
          </Flex>
        </List.Item>
      )}
    />
  );
}

/** A button per document to generate; a refusal (the data it needs is missing) is shown above them. */
export function GenerateButtons({ caseId, available, notify }: { caseId: string; available: AvailableDocument[]; notify: Notify }) {
  const { t } = useTranslation();
  const mutation = useGenerateDocument(caseId);
  const [pending, setPending] = useState<string | null>(null);
  if (available.length === 0) return null;

  const generate = (entry: AvailableDocument) => {
    setPending(entry.template);
    mutation.mutate(
      { template: entry.template, task_id: entry.task_id },
      {
        onSuccess: (document) => void notify.success(t('case.documents.generatedDone', { title: document.title })),
        onSettled: () => setPending(null),
      },
    );
  };
  const error = mutation.error;
  return (
    <Flex vertical gap={8}>
      {error instanceof ApiError && error.fieldErrors.length > 0 ? (
        <FieldErrorsAlert title={error.message} errors={error.fieldErrors} />
      ) : (
        error && <Alert type="error" showIcon role="alert" message={errorMessage(t, error)} />
      )}
      <Flex wrap gap={8}>
        {available.map((entry) => (
          <Button
            key={entry.template}
            icon={<FileAddOutlined />}
            loading={pending === entry.template}
            disabled={pending !== null && pending !== entry.template}
            title={entry.description}
            onClick={() => generate(entry)}
          >
            {t('case.documents.generate', { title: entry.title })}
          </Button>
        ))}
      </Flex>
    </Flex>
  );
}

interface AttachValues {
  title: string;
}

function AttachForm({ caseId, notify }: { caseId: string; notify: Notify }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<AttachValues>();
  const [files, setFiles] = useState<UploadFile[]>([]);
  const [missingFile, setMissingFile] = useState(false);
  const mutation = useAttachDocument(caseId);

  const submit = ({ title }: AttachValues) => {
    const file = files[0]?.originFileObj;
    if (!file) {
      setMissingFile(true);
      return;
    }
    mutation.mutate(
      { title: title.trim(), file },
      {
        onSuccess: (document) => {
          void notify.success(t('case.documents.attached', { title: document.title }));
          form.resetFields();
          setFiles([]);
        },
      },
    );
  };
  return (
    <Form form={form} layout="vertical" onFinish={submit} disabled={mutation.isPending} aria-label={t('case.documents.attach')}>
      <Typography.Text strong>{t('case.documents.attach')}</Typography.Text>
      {mutation.isError && (
        <Alert style={{ marginBlock: 8 }} type="error" showIcon role="alert" message={errorMessage(t, mutation.error)} />
      )}
      <Form.Item
        name="title"
        label={t('case.documents.attachTitle')}
        style={{ marginBlock: 8 }}
        rules={[{ required: true, whitespace: true, message: t('case.documents.titleRequired') }]}
      >
        <Input maxLength={200} placeholder={t('case.documents.attachTitlePlaceholder')} />
      </Form.Item>
      <Form.Item
        label={t('case.documents.attachFile')}
        extra={t('case.documents.attachHint')}
        validateStatus={missingFile ? 'error' : undefined}
        help={missingFile ? t('case.documents.fileRequired') : undefined}
        style={{ marginBottom: 8 }}
      >
        <Upload
          accept={ACCEPTED}
          maxCount={1}
          fileList={files}
          beforeUpload={() => false}
          onChange={({ fileList }) => {
            setFiles(fileList.slice(-1));
            setMissingFile(false);
          }}
        >
          <Button icon={<UploadOutlined />}>{t('case.documents.chooseFile')}</Button>
        </Upload>
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={mutation.isPending}>
        {t('case.documents.upload')}
      </Button>
    </Form>
  );
}
