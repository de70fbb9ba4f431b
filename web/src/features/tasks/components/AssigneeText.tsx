import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';

import { useCurrentUser } from '@/features/auth/api/session';

import type { TaskItem } from '../api/tasks';

/** Who has the task: me, a colleague, or nobody yet (offered to the group). */
export function AssigneeText({ task }: { task: Pick<TaskItem, 'assignee' | 'assignee_name'> }) {
  const { t } = useTranslation();
  const user = useCurrentUser();
  if (!task.assignee) return <Typography.Text type="secondary">{t('task.unassigned')}</Typography.Text>;
  if (task.assignee === user.username) return <Typography.Text>{t('task.assignedToMe')}</Typography.Text>;
  return <Typography.Text>{t('task.assignedTo', { user: task.assignee_name ?? task.assignee })}</Typography.Text>;
}
