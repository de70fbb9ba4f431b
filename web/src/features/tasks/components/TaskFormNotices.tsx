import { Alert } from 'antd';
import { useTranslation } from 'react-i18next';

import { FieldErrorsAlert } from '@/components/FieldErrorsAlert';
import { ApiError, type FieldError } from '@/lib/api-error';
import { errorMessage } from '@/lib/error-message';

import type { TaskDetail } from '../api/tasks';
import { explainConflict } from '../lib/conflict';

/** Why the last submit did not go through. */
export type SubmitProblem =
  | { kind: 'invalid'; fieldErrors: FieldError[] }
  | { kind: 'conflict' }
  | { kind: 'failed'; error: unknown };

export function ProblemAlert({ problem, task, me }: { problem: SubmitProblem; task: TaskDetail; me: string }) {
  const { t } = useTranslation();
  if (problem.kind === 'invalid') return <FieldErrorsAlert title={t('task.submit.invalid')} errors={problem.fieldErrors} />;
  if (problem.kind === 'conflict') {
    // `task` is already the state reloaded after the 409, so this says how things stand now.
    const reason = explainConflict(task, me);
    return <Alert type="warning" showIcon role="alert" style={{ marginBottom: 16 }} message={t('task.conflict.title')} description={t(reason.key, reason.params)} />;
  }
  const transient = problem.error instanceof ApiError && problem.error.isTransient;
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      style={{ marginBottom: 16 }}
      message={errorMessage(t, problem.error)}
      description={transient ? t('task.submit.retrySafe') : undefined}
    />
  );
}

export function NotWorkableNotice({ task, canWork, me }: { task: TaskDetail; canWork: boolean; me: string }) {
  const { t } = useTranslation();
  if (canWork) return null;
  let message: string;
  if (task.state !== 'ready') message = t('task.readonly.closed');
  else if (task.assignee && task.assignee !== me) {
    message = t('task.readonly.taken', { user: task.assignee_name ?? task.assignee });
  }
  else message = t('task.readonly.notYours');
  return <Alert type="info" showIcon style={{ marginBottom: 16 }} message={message} />;
}
