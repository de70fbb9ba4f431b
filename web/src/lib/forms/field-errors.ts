import type { ErrorSchema } from '@rjsf/utils';

import type { FieldError } from '@/lib/api-error';

/** The server's name for an error about the form as a whole rather than one field. */
const WHOLE_FORM = '(form)';

/**
 * The server's field errors (dotted paths like `parties.0.name`) as RJSF's extraErrors, so
 * each message shows at its field.
 */
export function toErrorSchema(fieldErrors: readonly FieldError[]): ErrorSchema {
  const root: ErrorSchema = {};
  for (const { field, message } of fieldErrors) {
    let node = root as Record<string, unknown>;
    for (const part of fieldPath(field)) {
      node[part] ??= {};
      node = node[part] as Record<string, unknown>;
    }
    const messages = (node.__errors ??= []) as string[];
    if (!messages.includes(message)) messages.push(message);
  }
  return root;
}

/** `parties.0.name` (or `parties[0].name`) as its parts; the whole form as none. */
export function fieldPath(field: string): string[] {
  if (!field || field === WHOLE_FORM) return [];
  return field.replace(/\[(\d+)\]/g, '.$1').split('.').filter(Boolean);
}
