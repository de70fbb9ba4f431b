import type { RJSFSchema } from '@rjsf/utils';
import { Card } from 'antd';
import { useState } from 'react';

import { SchemaForm } from '@/components/SchemaForm';
import { useCurrentUser } from '@/features/auth/api/session';
import { ApiError } from '@/lib/api-error';
import { toErrorSchema } from '@/lib/forms/field-errors';
import { createFormValidator, withFormDefaults } from '@/lib/forms/form-validator';

import { useDraftAutosave } from '../api/drafts';
import { useCompleteTask, type TaskCompletion, type TaskDetail } from '../api/tasks';
import { taskAccess } from '../lib/access';
import { initialFormData, serverDraftOf, type FormData } from '../lib/prefill';
import { SubmitAttempts } from '../lib/submit-attempt';
import { TaskActions } from './TaskActions';
import { TaskCompleted } from './TaskCompleted';
import styles from './TaskForm.module.css';
import { NotWorkableNotice, ProblemAlert, type SubmitProblem } from './TaskFormNotices';

const EMPTY_FORM: RJSFSchema = { type: 'object', properties: {} };

/**
 * The task's form, rendered from the JSON Schema and UI schema the engine validates against,
 * with its draft kept as it is typed and the submit that completes the task.
 */
export function TaskForm({ task }: { task: TaskDetail }) {
  const user = useCurrentUser();
  const autosave = useDraftAutosave(user.username, task.id);
  const complete = useCompleteTask(task.id);
  const [validator] = useState(createFormValidator);
  const [attempts] = useState(() => new SubmitAttempts());
  const schema = (task.form.schema as RJSFSchema | null) ?? EMPTY_FORM;
  const [formData, setFormData] = useState<FormData>(() =>
    withFormDefaults(
      validator,
      schema,
      initialFormData({
        schema: task.form.schema,
        data: task.data,
        maskedFields: task.masked_fields,
        serverDraft: serverDraftOf(task.draft),
        localDraft: autosave.local(),
      }),
    ),
  );
  const [problem, setProblem] = useState<SubmitProblem | null>(null);
  const [completion, setCompletion] = useState<TaskCompletion | null>(null);
  const access = taskAccess(task, user);

  if (completion) return <TaskCompleted completion={completion} />;

  const edit = (data: FormData) => {
    // RJSF reports focus and blur too, with the data unchanged: nothing to save then.
    if (JSON.stringify(data) === JSON.stringify(formData)) return;
    setFormData(data);
    if (access.canWork) autosave.record(data);
  };

  const submit = (data: FormData) => {
    setProblem(null);
    complete.mutate(
      { data, rowVersion: task.case.row_version, idempotencyKey: attempts.keyFor(data) },
      {
        onSuccess: (result) => {
          attempts.answered();
          autosave.forget();
          setCompletion(result);
        },
        onError: (error) => {
          if (!(error instanceof ApiError && error.isTransient)) attempts.answered();
          setProblem(problemOf(error));
        },
      },
    );
  };

  return (
    <Card className={styles.card}>
      <NotWorkableNotice task={task} canWork={access.canWork} me={user.username} />
      {problem && <ProblemAlert problem={problem} task={task} me={user.username} />}
      <SchemaForm
        schema={schema}
        uiSchema={task.form.ui_schema}
        formData={formData}
        validator={validator}
        onChange={edit}
        onSubmit={submit}
        extraErrors={problem?.kind === 'invalid' ? toErrorSchema(problem.fieldErrors) : undefined}
        disabled={!access.canWork || complete.isPending}
      >
        <TaskActions
          task={task}
          access={access}
          draftStatus={autosave.status}
          submitting={complete.isPending}
          onSaveDraft={() => autosave.saveNow(formData)}
        />
      </SchemaForm>
    </Card>
  );
}

function problemOf(error: unknown): SubmitProblem {
  if (error instanceof ApiError && error.status === 422 && error.fieldErrors.length) {
    return { kind: 'invalid', fieldErrors: error.fieldErrors };
  }
  if (error instanceof ApiError && error.status === 409) return { kind: 'conflict' };
  return { kind: 'failed', error };
}
