// Labelled form controls with hint and error text wired through aria-describedby.
import type { ChangeEvent, InputHTMLAttributes, Ref, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from 'react';

export interface ControlProps {
  id: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
}

interface FieldProps {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  required?: boolean;
}

export function FormField({ id, label, hint, error, required, children }: FieldProps & { children: (p: ControlProps) => ReactNode }) {
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ');
  return (
    <div className={error ? 'field field-invalid' : 'field'}>
      <span className="label-row">
        <label htmlFor={id}>{label}</label>
        {required ? (
          <span className="required" aria-hidden="true">
            *
          </span>
        ) : null}
      </span>
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': described || undefined })}
      {hint ? (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          <span aria-hidden="true">⚠ </span>
          {error}
        </p>
      ) : null}
    </div>
  );
}

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'value' | 'onChange'> & {
  ref?: Ref<HTMLInputElement>;
  value: string;
  onValue(value: string): void;
};

export function TextField({ id, label, hint, error, value, onValue, required, ref, ...rest }: FieldProps & InputProps) {
  return (
    <FormField id={id} label={label} hint={hint} error={error} required={required}>
      {(p) => (
        <input
          {...rest}
          {...p}
          ref={ref}
          required={required}
          value={value}
          onChange={(e: ChangeEvent<HTMLInputElement>) => onValue(e.target.value)}
        />
      )}
    </FormField>
  );
}

type AreaProps = Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'id' | 'value' | 'onChange'> & {
  value: string;
  onValue(value: string): void;
};

export function TextAreaField({ id, label, hint, error, value, onValue, required, ...rest }: FieldProps & AreaProps) {
  return (
    <FormField id={id} label={label} hint={hint} error={error} required={required}>
      {(p) => (
        <textarea
          {...rest}
          {...p}
          required={required}
          value={value}
          onChange={(e: ChangeEvent<HTMLTextAreaElement>) => onValue(e.target.value)}
        />
      )}
    </FormField>
  );
}

type SelectProps = Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id' | 'value' | 'onChange'> & {
  value: string;
  onValue(value: string): void;
  options: readonly { value: string; label: string }[];
};

export function SelectField({ id, label, hint, error, value, onValue, options, required, ...rest }: FieldProps & SelectProps) {
  return (
    <FormField id={id} label={label} hint={hint} error={error} required={required}>
      {(p) => (
        <select
          {...rest}
          {...p}
          required={required}
          value={value}
          onChange={(e: ChangeEvent<HTMLSelectElement>) => onValue(e.target.value)}
        >
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </FormField>
  );
}
