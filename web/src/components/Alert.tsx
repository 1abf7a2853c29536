// Status messages. Errors are announced (role=alert); notices politely (role=status).
import type { ReactNode } from 'react';
import type { ApiError } from '../api.ts';

export function ErrorAlert({ error, children }: { error?: ApiError | null; children?: ReactNode }) {
  if (!error && !children) return null;
  return (
    <div className="alert alert-error" role="alert">
      {error ? (
        <p>
          <strong>{error.title}</strong>
          {error.detail && error.detail !== error.title ? <>: {error.detail}</> : null}
        </p>
      ) : null}
      {children}
    </div>
  );
}

export function Notice({ children }: { children: ReactNode }) {
  return (
    <div className="alert alert-notice" role="status">
      {children}
    </div>
  );
}

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p className="muted" role="status">
      {what}…
    </p>
  );
}
