import { Button, Form, Modal, Select, message as antMessage } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { useCurrentUser } from '@/features/auth/api/session';
import { supervises } from '@/features/auth/lib/roles';
import { useOrgUnitNames } from '@/features/cases/api/cases';
import { errorMessage } from '@/lib/error-message';

import { useAssignmentCandidates, useAssignTask, type TaskDetail } from '../api/tasks';

/**
 * 指派: a supervisor over an open task gives it to a colleague who holds its role at or above
 * its org unit. Shown only where the API lists candidates (it refuses everyone else).
 */
export function AssignTask({ task }: { task: TaskDetail }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [user, setUser] = useState<string>();
  const me = useCurrentUser();
  const candidates = useAssignmentCandidates(task.id, task.state === 'ready' && supervises(me.memberships));
  const units = useOrgUnitNames();
  const assign = useAssignTask(task.id);
  const [message, messageHolder] = antMessage.useMessage();
  if (!candidates.data) return null;

  const options = candidates.data
    .filter((candidate) => candidate.username !== task.assignee)
    .map((candidate) => ({
      value: candidate.username,
      label: `${candidate.display_name}（${units.data?.get(candidate.org_unit) ?? candidate.org_unit}）`,
    }));
  const submit = () => {
    if (!user) return;
    assign.mutate(user, {
      onSuccess: () => {
        setOpen(false);
        void message.success(t('task.assign.done'));
      },
      onError: (error) => void message.error(errorMessage(t, error)),
    });
  };

  return (
    <>
      {messageHolder}
      <Button onClick={() => setOpen(true)}>{t('task.assign.button')}</Button>
      <Modal
        open={open}
        title={t('task.assign.title')}
        okText={t('task.assign.confirm')}
        okButtonProps={{ disabled: !user, loading: assign.isPending }}
        onOk={submit}
        onCancel={() => setOpen(false)}
        destroyOnHidden
      >
        <Form layout="vertical">
          <Form.Item label={t('task.assign.user')} htmlFor="assign-user" extra={options.length ? null : t('task.assign.nobody')}>
            <Select<string>
              id="assign-user"
              showSearch
              optionFilterProp="label"
              options={options}
              value={user}
              onChange={setUser}
              disabled={!options.length}
            />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
