import { Button, Form, Input, Modal, Select, Space, message as antMessage } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { errorMessage } from '@/lib/error-message';

import { useCandidates, useEscalate, useReassign, useRemind } from '../api/reports';

type Action = 'reassign' | 'escalate' | 'remind';

interface TaskRef {
  task_id: string;
  case_id: string;
  case_no?: string | null;
  title: string;
  assignee?: string | null;
}

/** 改派, 升级 and 催办 on one row of the 督办 list, each confirmed in a small dialog. */
export function OverdueActions({ task }: { task: TaskRef }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<Action | null>(null);
  const [message, holder] = antMessage.useMessage();
  const done = (key: string) => {
    setOpen(null);
    void message.success(t(key));
  };
  const failed = (error: unknown) => void message.error(errorMessage(t, error));
  const subject = `${task.case_no ?? ''} ${task.title}`;
  return (
    <>
      {holder}
      <Space size={4} wrap>
        <Button size="small" onClick={() => setOpen('reassign')} aria-label={`${t('dashboard.actions.reassign')} ${subject}`}>
          {t('dashboard.actions.reassign')}
        </Button>
        <Button size="small" onClick={() => setOpen('escalate')} aria-label={`${t('dashboard.actions.escalate')} ${subject}`}>
          {t('dashboard.actions.escalate')}
        </Button>
        <Button size="small" type="primary" ghost onClick={() => setOpen('remind')} aria-label={`${t('dashboard.actions.remind')} ${subject}`}>
          {t('dashboard.actions.remind')}
        </Button>
      </Space>
      {open === 'reassign' && <ReassignDialog task={task} onDone={() => done('dashboard.actions.reassigned')} onFailed={failed} onCancel={() => setOpen(null)} />}
      {open === 'escalate' && <EscalateDialog task={task} onDone={() => done('dashboard.actions.escalated')} onFailed={failed} onCancel={() => setOpen(null)} />}
      {open === 'remind' && <RemindDialog task={task} onDone={() => done('dashboard.actions.reminded')} onFailed={failed} onCancel={() => setOpen(null)} />}
    </>
  );
}

interface DialogProps {
  task: TaskRef;
  onDone: () => void;
  onFailed: (error: unknown) => void;
  onCancel: () => void;
}

function ReassignDialog({ task, onDone, onFailed, onCancel }: DialogProps) {
  const { t } = useTranslation();
  const [user, setUser] = useState<string>();
  const candidates = useCandidates(task.task_id, true);
  const reassign = useReassign(task.task_id);
  const options = (candidates.data ?? [])
    .filter((candidate) => candidate.username !== task.assignee)
    .map((candidate) => ({ value: candidate.username, label: `${candidate.display_name}（${candidate.username}）` }));
  return (
    <Modal
      open
      title={t('dashboard.actions.reassignTitle', { task: task.title })}
      okText={t('dashboard.actions.reassign')}
      okButtonProps={{ disabled: !user, loading: reassign.isPending }}
      onOk={() => user && reassign.mutate(user, { onSuccess: onDone, onError: onFailed })}
      onCancel={onCancel}
    >
      <Form layout="vertical">
        <Form.Item label={t('dashboard.actions.to')} htmlFor="reassign-user" extra={candidates.data && !options.length ? t('dashboard.actions.nobody') : null}>
          <Select<string> id="reassign-user" showSearch optionFilterProp="label" options={options} value={user} onChange={setUser} loading={candidates.isPending} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function TextDialog({ title, label, okText, pending, initial, onSubmit, onCancel }: { title: string; label: string; okText: string; pending: boolean; initial: string; onSubmit: (text: string) => void; onCancel: () => void }) {
  const [text, setText] = useState(initial);
  return (
    <Modal open title={title} okText={okText} okButtonProps={{ disabled: !text.trim(), loading: pending }} onOk={() => onSubmit(text.trim())} onCancel={onCancel}>
      <Form layout="vertical">
        <Form.Item label={label} htmlFor="dialog-text">
          <Input.TextArea id="dialog-text" rows={3} maxLength={500} showCount value={text} onChange={(event) => setText(event.target.value)} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function EscalateDialog({ task, onDone, onFailed, onCancel }: DialogProps) {
  const { t } = useTranslation();
  const escalate = useEscalate(task.case_id);
  return (
    <TextDialog
      title={t('dashboard.actions.escalateTitle', { caseNo: task.case_no ?? '' })}
      label={t('dashboard.actions.reason')}
      okText={t('dashboard.actions.escalate')}
      pending={escalate.isPending}
      initial={t('dashboard.actions.escalateDefault')}
      onSubmit={(reason) => escalate.mutate(reason, { onSuccess: onDone, onError: onFailed })}
      onCancel={onCancel}
    />
  );
}

function RemindDialog({ task, onDone, onFailed, onCancel }: DialogProps) {
  const { t } = useTranslation();
  const remind = useRemind(task.task_id);
  return (
    <TextDialog
      title={t('dashboard.actions.remindTitle', { task: task.title })}
      label={t('dashboard.actions.message')}
      okText={t('dashboard.actions.remind')}
      pending={remind.isPending}
      initial={t('dashboard.actions.remindDefault')}
      onSubmit={(text) => remind.mutate(text, { onSuccess: onDone, onError: onFailed })}
      onCancel={onCancel}
    />
  );
}
