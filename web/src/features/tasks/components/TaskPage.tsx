import { Col, Flex, Row } from 'antd';
import { useParams } from 'react-router';

import { PageError } from '@/components/PageError';
import { PageSpinner } from '@/components/PageSpinner';
import { CaseSummary } from '@/features/cases/components/CaseSummary';
import { CaseTimeline } from '@/features/cases/components/CaseTimeline';

import { useTask } from '../api/tasks';
import { TaskComments } from './TaskComments';
import { TaskDocuments } from './TaskDocuments';
import { TaskForm } from './TaskForm';
import { TaskHeader } from './TaskHeader';
import { TaskInstructions } from './TaskInstructions';

/** /tasks/{id}: the task's form, its instructions and comments; the case beside it (below, on a phone). */
export default function TaskPage() {
  const { taskId = '' } = useParams();
  const task = useTask(taskId);

  if (task.isPending) return <PageSpinner />;
  if (task.isError) return <PageError error={task.error} onRetry={() => void task.refetch()} />;
  const detail = task.data;
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} lg={16}>
        <Flex vertical gap={16}>
          <TaskHeader task={detail} />
          <TaskInstructions text={detail.instructions} note={detail.instructions_note} />
          <TaskForm key={detail.id} task={detail} />
          <TaskDocuments caseId={detail.case_id} taskId={detail.id} />
          <TaskComments taskId={detail.id} initial={detail.comments} />
        </Flex>
      </Col>
      <Col xs={24} lg={8}>
        <Flex vertical gap={16}>
          <CaseSummary facts={detail.case} />
          <CaseTimeline caseId={detail.case_id} />
        </Flex>
      </Col>
    </Row>
  );
}
