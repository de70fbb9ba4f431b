import type { RJSFSchema } from '@rjsf/utils';
import { Alert, Button, Card, Cascader, Checkbox, Flex, Form } from 'antd';
import type { TFunction } from 'i18next';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { PageError } from '@/components/PageError';
import { PageSpinner } from '@/components/PageSpinner';
import { SchemaForm, type SchemaFormData } from '@/components/SchemaForm';
import { SubmitAttempts } from '@/features/tasks/lib/submit-attempt';
import { useScrollToTop } from '@/hooks/use-scroll-to-top';
import { ApiError, type FieldError } from '@/lib/api-error';
import { errorMessage } from '@/lib/error-message';
import { toErrorSchema } from '@/lib/forms/field-errors';
import { createFormValidator, withFormDefaults } from '@/lib/forms/form-validator';
import { orgTree } from '@/lib/org-tree';

import { usePublicForm, usePublicOrgUnits, useSubmitIntake } from '../api/intake';
import { saveReceipt, type SavedReceipt } from '../lib/receipts';
import { waitFor } from '../lib/wait';
import { IntakeReceipt } from './IntakeReceipt';
import { PublicLayout } from './PublicLayout';
import { ReceiptLookup } from './ReceiptLookup';
import { SavedReceipts } from './SavedReceipts';

/** /intake: the public's online (网) intake, no login; a receipt to ask about it later. */
export default function IntakePage() {
  const { t } = useTranslation();
  const form = usePublicForm();
  const units = usePublicOrgUnits();
  const [done, setDone] = useState<SavedReceipt | null>(null);
  // The receipt replaces the long form: it must be seen, not left above the fold.
  useScrollToTop(done?.receipt ?? '');

  let body;
  if (done) body = <IntakeReceipt receipt={done} />;
  else if (form.isPending || units.isPending) body = <PageSpinner />;
  else if (form.isError) body = <PageError error={form.error} onRetry={() => void form.refetch()} />;
  else if (units.isError) body = <PageError error={units.error} onRetry={() => void units.refetch()} />;
  else {
    body = (
      <>
        <Alert type="info" role="note" showIcon message={t('intake.privacy.title')} description={<PrivacyNote t={t} />} />
        <SavedReceipts />
        <IntakeForm schema={(form.data.schema as RJSFSchema | null) ?? { type: 'object', properties: {} }} uiSchema={form.data.ui_schema} units={units.data} onDone={setDone} />
        <ReceiptLookup />
      </>
    );
  }
  return (
    <PublicLayout title={done ? undefined : t('intake.title')} intro={done ? undefined : t('intake.intro')}>
      {body}
    </PublicLayout>
  );
}

function PrivacyNote({ t }: { t: TFunction }) {
  return (
    <ul style={{ margin: 0, paddingInlineStart: 20 }}>
      <li>{t('intake.privacy.use')}</li>
      <li>{t('intake.privacy.protected')}</li>
      <li>{t('intake.privacy.device')}</li>
    </ul>
  );
}

interface IntakeFormProps {
  schema: RJSFSchema;
  uiSchema: Record<string, unknown> | null;
  units: { id: string; name: string; parent: string | null }[];
  onDone: (receipt: SavedReceipt) => void;
}

type Problem = { kind: 'invalid'; form: FieldError[]; orgUnit: string | null } | { kind: 'failed'; error: unknown };

function IntakeForm({ schema, uiSchema, units, onDone }: IntakeFormProps) {
  const { t } = useTranslation();
  const submitIntake = useSubmitIntake();
  const [validator] = useState(createFormValidator);
  const [attempts] = useState(() => new SubmitAttempts());
  // Held in this page only: on a shared phone nothing typed here may outlive the page.
  const [formData, setFormData] = useState<SchemaFormData>(() => withFormDefaults(validator, schema, {}));
  const [place, setPlace] = useState<string[]>([]);
  const [keepReceipt, setKeepReceipt] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const options = useMemo(() => orgTree(units), [units]);
  const orgUnit = place.at(-1) ?? null;
  const orgUnitError = problem?.kind === 'invalid' ? problem.orgUnit : null;
  const formErrors = problem?.kind === 'invalid' ? problem.form : [];

  const submit = (data: SchemaFormData) => {
    if (!orgUnit) {
      setProblem({ kind: 'invalid', form: [], orgUnit: t('intake.placeRequired') });
      return;
    }
    setProblem(null);
    const request = { orgUnit, data };
    submitIntake.mutate(
      { ...request, idempotencyKey: attempts.keyFor(request) },
      {
        onSuccess: (answer) => {
          attempts.answered();
          const receipt = { receipt: answer.receipt, caseNo: answer.case_no, receivedAt: answer.received_at };
          if (keepReceipt) saveReceipt(receipt);
          onDone(receipt);
        },
        onError: (error) => {
          if (!(error instanceof ApiError && error.isTransient)) attempts.answered();
          if (error instanceof ApiError && error.status === 422 && error.fieldErrors.length) {
            const orgUnitErrors = error.fieldErrors.filter((e) => e.field === 'org_unit');
            setProblem({
              kind: 'invalid',
              form: error.fieldErrors.filter((e) => e.field !== 'org_unit').map((e) => ({ ...e, field: e.field.replace(/^data\./, '') })),
              orgUnit: orgUnitErrors[0]?.message ?? null,
            });
          } else setProblem({ kind: 'failed', error });
        },
      },
    );
  };

  return (
    <Card title={t('intake.formTitle')}>
      <Form layout="vertical" component="div">
        <Form.Item
          label={t('intake.place')}
          htmlFor="intake-place"
          required
          extra={t('intake.placeHelp')}
          validateStatus={orgUnitError ? 'error' : undefined}
          help={orgUnitError ?? undefined}
        >
          <Cascader
            id="intake-place"
            options={options}
            value={place}
            changeOnSelect
            placeholder={t('intake.placePlaceholder')}
            onChange={(value) => setPlace((value ?? []).map(String))}
            disabled={submitIntake.isPending}
            style={{ width: '100%' }}
          />
        </Form.Item>
      </Form>
      {formErrors.length > 0 && <Alert type="error" showIcon role="alert" style={{ marginBottom: 16 }} message={t('intake.invalid')} />}
      <SchemaForm
        schema={schema}
        uiSchema={uiSchema}
        formData={formData}
        validator={validator}
        onChange={setFormData}
        onSubmit={submit}
        extraErrors={formErrors.length ? toErrorSchema(formErrors) : undefined}
        disabled={submitIntake.isPending}
      >
        <Flex vertical gap={12}>
          <Checkbox checked={keepReceipt} onChange={(event) => setKeepReceipt(event.target.checked)}>
            {t('intake.keepReceipt')}
          </Checkbox>
          {problem?.kind === 'failed' && <FailureAlert t={t} error={problem.error} />}
          <Button type="primary" htmlType="submit" size="large" block loading={submitIntake.isPending}>
            {t('intake.submit')}
          </Button>
        </Flex>
      </SchemaForm>
    </Card>
  );
}

/** Why the submission did not go through; a rate limit says how long to wait, in words. */
function FailureAlert({ t, error }: { t: TFunction; error: unknown }) {
  if (error instanceof ApiError && error.status === 429) {
    const wait = error.retryAfter !== null ? waitFor(error.retryAfter) : null;
    return (
      <Alert
        type="warning"
        showIcon
        role="alert"
        message={t('intake.tooMany.title')}
        description={wait ? t('intake.tooMany.wait', { wait: t(`intake.tooMany.${wait.unit}`, { count: wait.count }) }) : t('intake.tooMany.later')}
      />
    );
  }
  const transient = error instanceof ApiError && error.isTransient;
  return <Alert type="error" showIcon role="alert" message={errorMessage(t, error)} description={transient ? t('intake.retrySafe') : undefined} />;
}
