import { DownloadOutlined, LockOutlined, UnlockOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Descriptions, Flex, Form, Input, List, message as antMessage, Modal, Skeleton, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { PageError } from '@/components/PageError';
import { formatDateTime } from '@/lib/due';
import { errorMessage } from '@/lib/error-message';

import type { CaseDetail } from '../api/cases';
import { downloadEvidence, useCaseRetention, useLegalHold, type HoldChange, type LegalHold } from '../api/retention';

/**
 * 保管期限与证据: how long the case keeps its personal information, its legal holds, and the
 * evidence package a court can verify. Supervisors place and release holds; supervisors and
 * the case's handlers export the package (the server says who may, and decides again).
 */
export function CaseRetention({ detail }: { detail: CaseDetail }) {
  const { t, i18n } = useTranslation();
  const retention = useCaseRetention(detail.id);
  const [dialog, setDialog] = useState<HoldDialogState | null>(null);
  const [exporting, setExporting] = useState(false);
  const [message, holder] = antMessage.useMessage();

  const exportEvidence = () => {
    setExporting(true);
    downloadEvidence(detail.id, detail.case_no)
      .then((name) => void message.success(t('case.retention.exported', { name })))
      .catch((error: unknown) => void message.error(errorMessage(t, error)))
      .finally(() => setExporting(false));
  };

  let body;
  if (retention.isPending) body = <Skeleton active paragraph={{ rows: 2 }} />;
  else if (retention.isError) body = <PageError error={retention.error} onRetry={() => void retention.refetch()} />;
  else {
    const data = retention.data;
    const { holds, may_hold: supervises, may_export: exports } = data;
    body = (
      <Flex vertical gap={12}>
        {data.anonymised_at && (
          <Alert type="info" showIcon role="note" message={t('case.retention.anonymised', { at: formatDateTime(data.anonymised_at, i18n.language) })} />
        )}
        <Descriptions size="small" column={1}>
          <Descriptions.Item label={t('case.retention.until')}>
            {data.retain_until ?? t('case.retention.untilOpen')}
            {data.due && <Tag color="orange" style={{ marginInlineStart: 8 }}>{t('case.retention.due')}</Tag>}
            {data.held && <Tag color="red" style={{ marginInlineStart: 8 }}>{t('case.retention.held')}</Tag>}
          </Descriptions.Item>
        </Descriptions>
        {holds.length > 0 && (
          <List
            size="small"
            header={<Typography.Text strong>{t('case.retention.holds')}</Typography.Text>}
            dataSource={holds}
            renderItem={(hold) => (
              <List.Item
                actions={supervises && !hold.released_at && !data.anonymised_at ? [
                  <Button key="release" size="small" icon={<UnlockOutlined />} onClick={() => setDialog({ action: 'release', hold })}>
                    {t('case.retention.release')}
                  </Button>,
                ] : []}
              >
                <HoldText hold={hold} />
              </List.Item>
            )}
          />
        )}
        <Flex wrap gap={8}>
          {supervises && !data.anonymised_at && (
            <Button icon={<LockOutlined />} onClick={() => setDialog({ action: 'place' })}>
              {t('case.retention.place')}
            </Button>
          )}
          {exports && (
            <Button icon={<DownloadOutlined />} loading={exporting} onClick={exportEvidence}>
              {t('case.retention.export')}
            </Button>
          )}
        </Flex>
        {exports && <Typography.Text type="secondary">{t('case.retention.exportHelp')}</Typography.Text>}
      </Flex>
    );
  }
  return (
    <Card size="small" title={t('case.retention.title')} role="region" aria-label={t('case.retention.title')}>
      {holder}
      {body}
      {dialog && (
        <HoldDialog
          caseId={detail.id}
          state={dialog}
          onClose={() => setDialog(null)}
          onDone={() => {
            void message.success(t(dialog.action === 'place' ? 'case.retention.placed' : 'case.retention.released'));
            setDialog(null);
          }}
        />
      )}
    </Card>
  );
}

function HoldText({ hold }: { hold: LegalHold }) {
  const { t, i18n } = useTranslation();
  return (
    <Flex vertical gap={2}>
      <Typography.Text>{hold.reason}</Typography.Text>
      <Typography.Text type="secondary">
        {t('case.retention.placedBy', { who: hold.placed_by, at: formatDateTime(hold.placed_at, i18n.language) })}
      </Typography.Text>
      {hold.released_at && (
        <Typography.Text type="secondary">
          {t('case.retention.releasedBy', { who: hold.released_by, at: formatDateTime(hold.released_at, i18n.language), reason: hold.release_reason })}
        </Typography.Text>
      )}
    </Flex>
  );
}

type HoldDialogState = { action: 'place' } | { action: 'release'; hold: LegalHold };

function HoldDialog({ caseId, state, onClose, onDone }: { caseId: string; state: HoldDialogState; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ reason: string }>();
  const mutation = useLegalHold(caseId);
  const submit = ({ reason }: { reason: string }) => {
    const change: HoldChange = state.action === 'place' ? { action: 'place', reason: reason.trim() } : { action: 'release', holdId: state.hold.id, reason: reason.trim() };
    mutation.mutate(change, { onSuccess: onDone });
  };
  const id = `legal-hold-${state.action}`;
  return (
    <Modal
      open
      title={t(state.action === 'place' ? 'case.retention.place' : 'case.retention.release')}
      okText={t(state.action === 'place' ? 'case.retention.place' : 'case.retention.release')}
      okButtonProps={{ loading: mutation.isPending, htmlType: 'submit', form: id }}
      cancelText={t('common.cancel')}
      onCancel={onClose}
    >
      <Form form={form} id={id} layout="vertical" onFinish={submit} disabled={mutation.isPending}>
        <Alert type="info" showIcon role="note" style={{ marginBottom: 16 }} message={t(state.action === 'place' ? 'case.retention.placeExplain' : 'case.retention.releaseExplain')} />
        <Form.Item name="reason" label={t('case.actions.reason')} rules={[{ required: true, whitespace: true, message: t('case.actions.reasonRequired') }]}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={2000} showCount />
        </Form.Item>
        {mutation.isError && <Alert type="error" showIcon role="alert" message={errorMessage(t, mutation.error)} />}
      </Form>
    </Modal>
  );
}
