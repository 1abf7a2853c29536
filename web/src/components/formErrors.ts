// Attach a problem+json `field` to the form control it names.
import type { ApiError } from '../api.ts';

/** 'body/contacts/roleEmail', '/contacts/roleEmail', 'constituency.ipPrefixes[2]' → dotted path. */
export function normaliseField(field: string): string {
  return field
    .trim()
    .replace(/^body(?=[./[]|$)/, '')
    .replace(/\[(\d+)\]/g, '.$1')
    .replace(/\//g, '.')
    .replace(/^\.+|\.+$/g, '');
}

/** The detail without a leading 'field: ' (the message already sits next to the field). */
function fieldMessage(err: ApiError): string {
  const detail = err.detail || err.title;
  if (err.field && detail.startsWith(`${err.field}: `)) {
    const rest = detail.slice(err.field.length + 2);
    return rest.charAt(0).toUpperCase() + rest.slice(1);
  }
  return detail;
}

export interface FormErrors {
  /** The message to show next to control `key`, if the error belongs to it. */
  of(key: string): string | undefined;
  /** The error to show at the top of the form (only when it is not attached to a control). */
  banner: ApiError | null;
  /** The key of the control the error was attached to. */
  field: string | null;
}

/** Split an error between a control (longest key that prefixes the field) and the form banner. */
export function formErrors(err: ApiError | null, keys: readonly string[]): FormErrors {
  let field: string | null = null;
  if (err?.field) {
    const f = normaliseField(err.field);
    for (const key of keys) {
      if ((f === key || f.startsWith(`${key}.`)) && (field === null || key.length > field.length)) field = key;
    }
    if (field === null) {
      // A bare name ('roleEmail' for 'contacts.roleEmail'): accept it when it names exactly one control.
      const last = f.split('.').filter((seg) => !/^\d+$/.test(seg)).pop();
      const hits = keys.filter((key) => key.split('.').pop() === last);
      if (hits.length === 1) field = hits[0] ?? null;
    }
  }
  return {
    of: (key) => (err && field === key ? fieldMessage(err) : undefined),
    banner: err && field === null ? err : null,
    field,
  };
}
