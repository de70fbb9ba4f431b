import { Flex, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { DueTime } from '@/components/DueTime';
import { RiskTag } from '@/components/RiskTag';
import { useNow } from '@/hooks/use-now';

import type { TaskDetail } from '../api/tasks';
import { AssigneeText } from './AssigneeText';

export function TaskHeader({ task }: { task: TaskDetail }) {
  const { t } = useTranslation();
  const now = useNow();
  const open = task.state === 'ready';
  return (
    <Flex vertical gap={4}>
      <Link to="/tasks">{t('task.backToList')}</Link>
      <Typography.Title level={2} style={{ margin: 0 }}>
        {task.title}
      </Typography.Title>
      <Space wrap size={[8, 4]}>
        <Typography.Text type="secondary">{task.case_no}</Typography.Text>
        <RiskTag risk={task.risk} />
        {!open && <Tag>{t(`taskState.${task.state}`, { defaultValue: task.state })}</Tag>}
        {open && <AssigneeText task={task} />}
      </Space>
      <DueTime dueAt={task.due_at} basis={task.deadline_basis} overdue={task.overdue} open={open} now={now} />
    </Flex>
  );
}
