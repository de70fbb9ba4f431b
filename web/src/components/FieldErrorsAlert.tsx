import { Alert } from 'antd';

import type { FieldError } from '@/lib/api-error';

/** What a form's submission was refused for (a 422), each field error once, above the form. */
export function FieldErrorsAlert({ title, errors }: { title: string; errors: readonly FieldError[] }) {
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      style={{ marginBottom: 16 }}
      message={title}
      description={
        <ul style={{ margin: 0, paddingInlineStart: 20 }}>
          {errors.map((error) => (
            <li key={`${error.field}:${error.message}`}>{error.message}</li>
          ))}
        </ul>
      }
    />
  );
}
