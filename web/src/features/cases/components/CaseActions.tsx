import { Alert, Button, Flex, Form, Input, InputNumber, message as antMessage, Modal } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { useCurrentUser } from '@/features/auth/api/session';
import { ApiError } from '@/lib/api-error';
import { errorMessage } from '@/lib/error-message';

import type { CaseDetail } from '../api/cases';
import { useCaseAction, type CaseAction } from '../api/supervision';
import { availableActions, REASON_REQUIRED, retryData, type CaseActionName } from '../lib/case-actions';

/** 暂停, 恢复, 升级, 终止, 迁移 for supervisors and 重试 for administrators, each asking why. */
export function CaseActions({ detail }: { detail: CaseDetail }) {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const [open, setOpen] = useState<CaseActionName | null>(null);
  // Here rather than in the dialog, which is gone by the time the message shows.
  const [message, messageHolder] = antMessage.useMessage();
  const actions = availableActions(detail, user.memberships);
  if (!actions.length) return null;
  return (
    <Flex wrap gap={8} role="group" aria-label={t('case.actions.title')}>
      {messageHolder}
      {actions.map((action) => (
        <Button key={action} danger={action === 'terminate'} onClick={() => setOpen(action)}>
          {t(`case.actions.${action}.button`)}
        </Button>
      ))}
      {open && (
        <ActionDialog
          key={open}
          caseId={detail.id}
          caseNo={detail.case_no}
          action={open}
          onClose={() => setOpen(null)}
          onDone={() => {
            void message.success(t(`case.actions.${open}.done`));
            setOpen(null);
          }}
        />
      )}
    </Flex>
  );
}

interface ActionValues {
  reason?: string;
  version?: number | null;
  data?: string;
}

interface ActionDialogProps {
  caseId: string;
  caseNo: string | null;
  action: CaseActionName;
  onClose: () => void;
  onDone: () => void;
}

function ActionDialog({ caseId, caseNo, action, onClose, onDone }: ActionDialogProps) {
  const { t } = useTranslation();
  const [form] = Form.useForm<ActionValues>();
  const mutation = useCaseAction(caseId);
  const [failure, setFailure] = useState<unknown>(null);

  const submit = (values: ActionValues) => {
    setFailure(null);
    const request = requestOf(action, values);
    if (!request) {
      form.setFields([{ name: 'data', errors: [t('case.actions.retry.dataInvalid')] }]);
      return;
    }
    mutation.mutate(request, {
      onSuccess: onDone,
      onError: (error) => {
        const fields = error instanceof ApiError && error.status === 422 ? error.fieldErrors.filter((e) => ['reason', 'version', 'data'].includes(e.field)) : [];
        if (fields.length) form.setFields(fields.map((e) => ({ name: e.field as keyof ActionValues, errors: [e.message] })));
        else setFailure(error);
      },
    });
  };

  return (
    <Modal
      open
      title={t(`case.actions.${action}.title`, { caseNo })}
      okText={t(`case.actions.${action}.button`)}
      okButtonProps={{ danger: action === 'terminate', loading: mutation.isPending, htmlType: 'submit', form: `case-action-${action}` }}
      cancelText={t('common.cancel')}
      onCancel={onClose}
    >
      <Form form={form} id={`case-action-${action}`} layout="vertical" onFinish={submit} disabled={mutation.isPending}>
        <Alert type={action === 'terminate' ? 'warning' : 'info'} role="note" showIcon message={t(`case.actions.${action}.explain`)} style={{ marginBottom: 16 }} />
        {action === 'migrate' ? (
          <Form.Item name="version" label={t('case.actions.migrate.version')} extra={t('case.actions.migrate.versionHelp')}>
            <InputNumber min={1} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        ) : (
          <Form.Item
            name="reason"
            label={t('case.actions.reason')}
            rules={REASON_REQUIRED.has(action) ? [{ required: true, whitespace: true, message: t('case.actions.reasonRequired') }] : []}
          >
            <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} maxLength={2000} showCount />
          </Form.Item>
        )}
        {action === 'retry' && (
          <Form.Item name="data" label={t('case.actions.retry.data')} extra={t('case.actions.retry.dataHelp')}>
            <Input.TextArea autoSize={{ minRows: 2, maxRows: 8 }} spellCheck={false} style={{ fontFamily: 'monospace' }} />
          </Form.Item>
        )}
        {failure !== null && <Alert type="error" showIcon role="alert" message={errorMessage(t, failure)} />}
      </Form>
    </Modal>
  );
}

function requestOf(action: CaseActionName, values: ActionValues): CaseAction | null {
  const reason = (values.reason ?? '').trim();
  if (action === 'migrate') return { action, version: values.version ?? null };
  if (action === 'retry') {
    const data = retryData(values.data ?? '');
    return data && { action, reason, data };
  }
  return { action, reason };
}
