import { Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { DueTime } from '@/components/DueTime';
import { RiskTag } from '@/components/RiskTag';
import { formatDateTime } from '@/lib/due';

import type { TaskItem } from '../api/tasks';
import type { Scope } from '../lib/list-params';
import { AssigneeText } from './AssigneeText';

interface TaskTableProps {
  tasks: TaskItem[];
  scope: Scope;
  now: Date;
  loading: boolean;
  emptyText: string;
}

export default function TaskTable({ tasks, scope, now, loading, emptyText }: TaskTableProps) {
  const { t, i18n } = useTranslation();
  const columns: ColumnsType<TaskItem> = [
    {
      key: 'task',
      title: t('tasks.columns.task'),
      render: (_, task) => (
        <Link to={`/tasks/${task.id}`}>
          <Typography.Text strong>{task.title}</Typography.Text>
        </Link>
      ),
    },
    { key: 'case', title: t('tasks.columns.case'), dataIndex: 'case_no', render: (caseNo: string | null) => caseNo ?? '—' },
    { key: 'risk', title: t('tasks.columns.risk'), render: (_, task) => <RiskTag risk={task.risk} /> },
    {
      key: 'due',
      title: t('tasks.columns.due'),
      width: '32%',
      render: (_, task) => (
        <DueTime dueAt={task.due_at} basis={task.deadline_basis} overdue={task.overdue} open={task.state === 'ready'} now={now} />
      ),
    },
    scope === 'done'
      ? {
          key: 'ended',
          title: t('tasks.columns.ended'),
          render: (_, task) => (task.ended_at ? formatDateTime(task.ended_at, i18n.language, now) : '—'),
        }
      : { key: 'assignee', title: t('tasks.columns.assignee'), render: (_, task) => <AssigneeText task={task} /> },
  ];
  return (
    <Table<TaskItem>
      rowKey="id"
      columns={columns}
      dataSource={tasks}
      loading={loading}
      pagination={false}
      // Table's own placeholder grey (25 % black) is too faint to read: the text is information.
      locale={{ emptyText: <Typography.Text type="secondary">{emptyText}</Typography.Text> }}
      rowClassName={(task) => (task.overdue ? 'task-row-overdue' : '')}
    />
  );
}
