import Form from '@rjsf/antd';
import type { ErrorSchema, RJSFSchema, UiSchema, ValidatorType } from '@rjsf/utils';
import type { KeyboardEvent, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

import { DEFAULTS_BEHAVIOUR, localizeFormErrors } from '@/lib/forms/form-validator';

import styles from './SchemaForm.module.css';

export type SchemaFormData = Record<string, unknown>;

interface SchemaFormProps {
  schema: RJSFSchema;
  uiSchema: UiSchema | null | undefined;
  formData: SchemaFormData;
  validator: ValidatorType<SchemaFormData>;
  onChange: (data: SchemaFormData) => void;
  onSubmit: (data: SchemaFormData) => void;
  /** The server's field errors (toErrorSchema), shown at their fields. */
  extraErrors?: ErrorSchema;
  disabled?: boolean;
  /** The buttons, inside the form so that 提交 submits it. */
  children: ReactNode;
}

/**
 * A form drawn from a JSON Schema and UI schema exactly as the engine validates it: the task
 * page, case registration and the public intake form all fill in forms/ this way.
 */
export function SchemaForm({ schema, uiSchema, formData, validator, onChange, onSubmit, extraErrors, disabled, children }: SchemaFormProps) {
  const { t } = useTranslation();
  return (
    <div className={styles.form} onKeyDownCapture={keepEnterFromSubmitting}>
      <Form
        schema={schema}
        uiSchema={uiSchema ?? {}}
        formData={formData}
        validator={validator}
        onChange={(event) => onChange(event.formData as SchemaFormData)}
        onSubmit={(event) => onSubmit(event.formData as SchemaFormData)}
        // The errors show at their fields; without a handler RJSF would also log them.
        onError={() => undefined}
        experimental_defaultFormStateBehavior={DEFAULTS_BEHAVIOUR}
        extraErrors={extraErrors}
        transformErrors={(errors) => localizeFormErrors(errors, t)}
        showErrorList={false}
        // The engine refuses fields its form does not declare.
        omitExtraData
        liveOmit
        noHtml5Validate
        focusOnFirstError
        disabled={disabled}
      >
        {children}
      </Form>
    </div>
  );
}

/**
 * In a browser form, Enter in any text field submits it; here that would send a half filled
 * in form by accident (complete a task, register a matter). 提交 is the only way to submit.
 */
function keepEnterFromSubmitting(event: KeyboardEvent) {
  if (event.key === 'Enter' && event.target instanceof HTMLInputElement) event.preventDefault();
}
