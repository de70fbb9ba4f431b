import { Alert, Form, Input, Modal } from 'antd';
import { useTranslation } from 'react-i18next';

import { ApiError } from '@/lib/api-error';
import { errorMessage } from '@/lib/error-message';

import { useReveal } from '../api/cases';
import { fieldName, type Labels } from '../lib/case-data';

interface RevealDialogProps {
  caseId: string;
  path: string;
  labels: Labels;
  onClose: () => void;
  /** The clear values by path; kept only on this page, never cached. */
  onRevealed: (values: Record<string, string>) => void;
}

/** 查看: asks why (written to the case's audit trail with the field) before showing a sensitive value. */
export function RevealDialog({ caseId, path, labels, onClose, onRevealed }: RevealDialogProps) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ reason: string }>();
  const reveal = useReveal(caseId);

  const submit = ({ reason }: { reason: string }) =>
    reveal.mutate(
      { fields: [path], reason: reason.trim() },
      {
        onSuccess: (result) => onRevealed(Object.fromEntries(Object.entries(result.values).map(([key, value]) => [key, String(value ?? '')]))),
        onError: (error) => {
          const reasonError = error instanceof ApiError ? error.fieldErrors.find((e) => e.field === 'reason') : undefined;
          if (reasonError) form.setFields([{ name: 'reason', errors: [reasonError.message] }]);
        },
      },
    );

  return (
    <Modal
      open
      title={t('case.reveal.title', { field: fieldName(path, labels) })}
      okText={t('case.data.reveal')}
      okButtonProps={{ loading: reveal.isPending, htmlType: 'submit', form: 'case-reveal' }}
      cancelText={t('common.cancel')}
      onCancel={onClose}
    >
      <Form form={form} id="case-reveal" layout="vertical" onFinish={submit} disabled={reveal.isPending}>
        <Alert type="info" role="note" showIcon message={t('case.reveal.audited')} style={{ marginBottom: 16 }} />
        <Form.Item name="reason" label={t('case.reveal.reason')} rules={[{ required: true, whitespace: true, message: t('case.actions.reasonRequired') }]}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={2000} />
        </Form.Item>
        {reveal.isError && !(reveal.error instanceof ApiError && reveal.error.fieldErrors.some((e) => e.field === 'reason')) && (
          <Alert type="error" showIcon role="alert" message={errorMessage(t, reveal.error)} />
        )}
      </Form>
    </Modal>
  );
}
