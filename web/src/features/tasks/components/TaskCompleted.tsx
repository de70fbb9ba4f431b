import { Button, Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';

import { useCurrentUser } from '@/features/auth/api/session';

import type { TaskCompletion } from '../api/tasks';
import { taskAccess } from '../lib/access';

/** After 提交: done, and the case's next steps this user can take straight away. */
export function TaskCompleted({ completion }: { completion: TaskCompletion }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const user = useCurrentUser();
  const next = completion.next_tasks.filter((task) => taskAccess(task, user).canWork);
  return (
    <Result
      status="success"
      title={t('task.completed.title')}
      subTitle={t('task.completed.subtitle', { caseNo: completion.case.case_no ?? '' })}
      extra={[
        ...next.map((task) => (
          <Button key={task.id} type="primary" onClick={() => navigate(`/tasks/${task.id}`)}>
            {t('task.completed.next', { title: task.title })}
          </Button>
        )),
        <Button key="list" onClick={() => navigate('/tasks')}>
          {t('task.completed.backToList')}
        </Button>,
      ]}
    />
  );
}
