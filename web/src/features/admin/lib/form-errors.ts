import type { FieldError } from '@/lib/api-error';
import { fieldPath } from '@/lib/forms/field-errors';

/** A form field's place as antd's Form names it: `memberships.0.org_unit` → ['memberships', 0, 'org_unit']. */
export type FormPath = (string | number)[];

export interface FormFieldErrors {
  name: FormPath;
  errors: string[];
}

/**
 * The server's field errors that belong to one of the form's fields, grouped per field, for
 * form.setFields; the rest (about the request as a whole) to show above the form.
 */
export function splitFieldErrors(
  fieldErrors: readonly FieldError[],
  isField: (path: FormPath) => boolean,
): { fields: FormFieldErrors[]; rest: FieldError[] } {
  const byField = new Map<string, FormFieldErrors>();
  const rest: FieldError[] = [];
  for (const error of fieldErrors) {
    const name = fieldPath(error.field).map((part) => (/^\d+$/.test(part) ? Number(part) : part));
    if (!name.length || !isField(name)) {
      rest.push(error);
      continue;
    }
    const key = name.join('.');
    const entry = byField.get(key) ?? { name, errors: [] };
    if (!entry.errors.includes(error.message)) entry.errors.push(error.message);
    byField.set(key, entry);
  }
  return { fields: [...byField.values()], rest };
}

/** Whether `path` is one of `names`, or an entry's field of a list among them (`memberships.0.role`). */
export function fieldsOf(names: readonly string[]): (path: FormPath) => boolean {
  return (path) => names.includes(path.filter((part) => typeof part === 'string').join('.'));
}
