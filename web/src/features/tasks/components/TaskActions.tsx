import { Button, message as antMessage, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

import { StickyActions } from '@/components/StickyActions';
import { errorMessage } from '@/lib/error-message';

import type { DraftStatus } from '../api/drafts';
import { useClaimTask, useUnclaimTask, type TaskDetail } from '../api/tasks';
import type { TaskAccess } from '../lib/access';
import { AssignTask } from './AssignTask';

interface TaskActionsProps {
  task: TaskDetail;
  access: TaskAccess;
  draftStatus: DraftStatus;
  submitting: boolean;
  onSaveDraft: () => Promise<void>;
}

/** 认领 / 放回 / 指派 / 保存草稿 / 提交, in the bar at the bottom of the screen. */
export function TaskActions({ task, access, draftStatus, submitting, onSaveDraft }: TaskActionsProps) {
  const { t } = useTranslation();
  const [message, messageHolder] = antMessage.useMessage();
  const claim = useClaimTask(task.id);
  const unclaim = useUnclaimTask(task.id);
  const failed = (error: unknown) => void message.error(errorMessage(t, error));

  const saveDraft = () =>
    onSaveDraft().then(
      () => void message.success(t('task.draft.saved')),
      (error: unknown) => failed(error),
    );

  return (
    <StickyActions>
      {messageHolder}
      {access.canClaim && (
        <Button onClick={() => claim.mutate(undefined, { onError: failed })} loading={claim.isPending}>
          {t('task.claim')}
        </Button>
      )}
      {access.canUnclaim && (
        <Button onClick={() => unclaim.mutate(undefined, { onError: failed })} loading={unclaim.isPending}>
          {t('task.unclaim')}
        </Button>
      )}
      <AssignTask task={task} />
      {access.canWork && (
        <>
          <Button onClick={saveDraft} disabled={submitting}>
            {t('task.saveDraft')}
          </Button>
          <Button type="primary" htmlType="submit" loading={submitting}>
            {t('task.submit.button')}
          </Button>
          <DraftStatusText status={draftStatus} />
        </>
      )}
    </StickyActions>
  );
}

function DraftStatusText({ status }: { status: DraftStatus }) {
  const { t } = useTranslation();
  if (status === 'idle') return null;
  return (
    <Typography.Text type={status === 'failed' || status === 'offline' ? 'warning' : 'secondary'} role="status" style={{ fontSize: 12 }}>
      {t(`task.draft.status.${status}`)}
    </Typography.Text>
  );
}
