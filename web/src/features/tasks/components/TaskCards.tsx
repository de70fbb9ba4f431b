import { Card, Empty, Flex, Skeleton, Typography } from 'antd';
import { Link } from 'react-router';

import { DueTime } from '@/components/DueTime';
import { RiskTag } from '@/components/RiskTag';

import type { TaskItem } from '../api/tasks';
import type { Scope } from '../lib/list-params';
import { AssigneeText } from './AssigneeText';

interface TaskCardsProps {
  tasks: TaskItem[];
  scope: Scope;
  now: Date;
  loading: boolean;
  emptyText: string;
}

/** The task list on a phone: one card per task instead of a table too wide for the screen. */
export function TaskCards({ tasks, scope, now, loading, emptyText }: TaskCardsProps) {
  if (loading) return <Skeleton active />;
  if (!tasks.length) return <Empty description={emptyText} />;
  return (
    <Flex vertical gap={8} component="ul" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
      {tasks.map((task) => (
        <li key={task.id}>
          <Card size="small" style={task.overdue ? { borderColor: '#ff4d4f' } : undefined}>
            <Flex justify="space-between" align="start" gap={8}>
              <Link to={`/tasks/${task.id}`} style={{ minWidth: 0 }}>
                <Typography.Text strong>{task.title}</Typography.Text>
              </Link>
              <RiskTag risk={task.risk} />
            </Flex>
            <Typography.Text type="secondary">{task.case_no ?? '—'}</Typography.Text>
            <div>
              <DueTime dueAt={task.due_at} basis={task.deadline_basis} overdue={task.overdue} open={task.state === 'ready'} now={now} />
            </div>
            {scope !== 'done' && <AssigneeText task={task} />}
          </Card>
        </li>
      ))}
    </Flex>
  );
}
