import type { RJSFSchema } from '@rjsf/utils';
import { Alert, Button, Card, Flex, Form, Result, Select, TreeSelect, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';

import { FieldErrorsAlert } from '@/components/FieldErrorsAlert';
import { PageError } from '@/components/PageError';
import { PageSpinner } from '@/components/PageSpinner';
import { SchemaForm, type SchemaFormData } from '@/components/SchemaForm';
import { StickyActions } from '@/components/StickyActions';
import { useCurrentUser } from '@/features/auth/api/session';
import { SubmitAttempts } from '@/features/tasks/lib/submit-attempt';
import { ApiError, type FieldError } from '@/lib/api-error';
import { errorMessage } from '@/lib/error-message';
import { toErrorSchema } from '@/lib/forms/field-errors';
import { createFormValidator, withFormDefaults } from '@/lib/forms/form-validator';
import { orgTree } from '@/lib/org-tree';

import { useOrgUnits, type OrgUnit } from '../api/cases';
import { useIntakeProcesses, useRegisterCase, type IntakeProcess } from '../api/registration';
import { defaultOrgUnit, formAsksChannel, registrationBody, splitFieldErrors, type RegistrationChoice, type RequestField } from '../lib/registration';

/** The process a matter is registered with unless she picks another (DOMAIN.md: the dispute case). */
const DEFAULT_PROCESS = 'dispute_case';
const EMPTY_FORM: RJSFSchema = { type: 'object', properties: {} };

/** /cases/new: register an incoming matter from any channel with its process's start form. */
export default function NewCasePage() {
  const { t } = useTranslation();
  const processes = useIntakeProcesses();
  const units = useOrgUnits();

  if (processes.isPending || units.isPending) return <PageSpinner />;
  if (processes.isError) return <PageError error={processes.error} onRetry={() => void processes.refetch()} />;
  if (units.isError) return <PageError error={units.error} onRetry={() => void units.refetch()} />;
  if (!processes.data?.length || !units.data.length) {
    return <Result status="info" title={t('register.notAllowed')} extra={<Link to="/cases">{t('case.backToList')}</Link>} />;
  }
  return <Registration processes={processes.data} units={units.data} />;
}

type Problem = { kind: 'invalid'; form: FieldError[]; request: Partial<Record<RequestField, string>> } | { kind: 'failed'; error: unknown };

function Registration({ processes, units }: { processes: IntakeProcess[]; units: OrgUnit[] }) {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const navigate = useNavigate();
  const register = useRegisterCase();
  const [attempts] = useState(() => new SubmitAttempts());
  const [choice, setChoice] = useState<RegistrationChoice>(() => ({
    process: (processes.find((p) => p.key === DEFAULT_PROCESS) ?? processes[0])?.key ?? DEFAULT_PROCESS,
    orgUnit: defaultOrgUnit(units, user.memberships),
    channel: null,
  }));
  const [problem, setProblem] = useState<Problem | null>(null);
  const unitTree = useMemo(() => orgTree(units), [units]);
  const process = processes.find((p) => p.key === choice.process);
  const schema = (process?.start_form.schema as RJSFSchema | null) ?? EMPTY_FORM;
  const asksChannel = formAsksChannel(schema);
  const requestErrors = problem?.kind === 'invalid' ? problem.request : {};

  const choose = (change: Partial<RegistrationChoice>) => {
    setChoice((before) => ({ ...before, ...change }));
    setProblem(null);
  };

  const submit = (data: SchemaFormData) => {
    const body = registrationBody(choice, data, schema);
    // What the page can tell is missing, it says before asking the server.
    const missing: Partial<Record<RequestField, string>> = {};
    if (!body.org_unit) missing.org_unit = t('register.orgUnitRequired');
    if (!body.channel && !asksChannel) missing.channel = t('register.channelRequired');
    if (Object.keys(missing).length) {
      setProblem({ kind: 'invalid', form: [], request: missing });
      return;
    }
    setProblem(null);
    register.mutate(
      { body, idempotencyKey: attempts.keyFor(body) },
      {
        onSuccess: (detail) => {
          attempts.answered();
          navigate(`/cases/${detail.id}`);
        },
        onError: (error) => {
          if (!(error instanceof ApiError && error.isTransient)) attempts.answered();
          if (error instanceof ApiError && error.status === 422 && error.fieldErrors.length) {
            setProblem({ kind: 'invalid', ...splitFieldErrors(error.fieldErrors, schema) });
          } else setProblem({ kind: 'failed', error });
        },
      },
    );
  };

  return (
    <Flex vertical gap={16}>
      <Flex vertical gap={4}>
        <Link to="/cases">{t('case.backToList')}</Link>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {t('register.title')}
        </Typography.Title>
        <Typography.Text type="secondary">{t('register.intro')}</Typography.Text>
      </Flex>
      <Card>
        <Form layout="vertical" component="div" disabled={register.isPending}>
          <Flex wrap gap={16}>
            <Form.Item label={t('register.process')} htmlFor="register-process" style={{ flex: '1 1 240px', marginBottom: 8 }} validateStatus={requestErrors.process ? 'error' : undefined} help={requestErrors.process}>
              <Select id="register-process" value={choice.process} options={processes.map((p) => ({ value: p.key, label: p.name }))} onChange={(key: string) => choose({ process: key, channel: null })} />
            </Form.Item>
            <Form.Item label={t('register.orgUnit')} htmlFor="register-org-unit" required style={{ flex: '1 1 240px', marginBottom: 8 }} validateStatus={requestErrors.org_unit ? 'error' : undefined} help={requestErrors.org_unit}>
              <TreeSelect<string>
                id="register-org-unit"
                value={choice.orgUnit ?? undefined}
                treeData={unitTree}
                fieldNames={{ label: 'label', value: 'value', children: 'children' }}
                treeDefaultExpandAll
                placeholder={t('register.orgUnitPlaceholder')}
                onChange={(orgUnit) => choose({ orgUnit: orgUnit ?? null })}
              />
            </Form.Item>
            {!asksChannel && process && (
              <Form.Item label={t('register.channel')} htmlFor="register-channel" required style={{ flex: '1 1 240px', marginBottom: 8 }} validateStatus={requestErrors.channel ? 'error' : undefined} help={requestErrors.channel}>
                <Select<string>
                  id="register-channel"
                  value={choice.channel ?? undefined}
                  options={process.channels}
                  placeholder={t('register.channelPlaceholder')}
                  onChange={(channel) => choose({ channel })}
                />
              </Form.Item>
            )}
          </Flex>
        </Form>
      </Card>
      {process && (
        <StartForm
          key={process.key}
          process={process}
          schema={schema}
          problem={problem}
          pending={register.isPending}
          onSubmit={submit}
        />
      )}
    </Flex>
  );
}

interface StartFormProps {
  process: IntakeProcess;
  schema: RJSFSchema;
  problem: Problem | null;
  pending: boolean;
  onSubmit: (data: SchemaFormData) => void;
}

/** The process's start form; a new one, empty, for each process she picks. */
function StartForm({ process, schema, problem, pending, onSubmit }: StartFormProps) {
  const { t } = useTranslation();
  const [validator] = useState(createFormValidator);
  const [formData, setFormData] = useState<SchemaFormData>(() => withFormDefaults(validator, schema, {}));
  const formErrors = problem?.kind === 'invalid' ? problem.form : [];
  return (
    <Card title={process.name}>
      {problem?.kind === 'failed' && <Alert type="error" showIcon role="alert" style={{ marginBottom: 16 }} message={errorMessage(t, problem.error)} description={retryNote(t, problem.error)} />}
      {formErrors.length > 0 && <FieldErrorsAlert title={t('register.invalid')} errors={formErrors} />}
      <SchemaForm
        schema={schema}
        uiSchema={process.start_form.ui_schema}
        formData={formData}
        validator={validator}
        onChange={setFormData}
        onSubmit={onSubmit}
        extraErrors={formErrors.length ? toErrorSchema(formErrors) : undefined}
        disabled={pending}
      >
        <StickyActions>
          <Button type="primary" htmlType="submit" loading={pending}>
            {t('register.submit')}
          </Button>
        </StickyActions>
      </SchemaForm>
    </Card>
  );
}

/** After no answer, sending again is safe: the same Idempotency-Key gets the same case. */
function retryNote(t: TFunction, error: unknown): string | undefined {
  return error instanceof ApiError && error.isTransient ? t('register.retrySafe') : undefined;
}
