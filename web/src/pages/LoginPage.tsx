// Login: e-mail and password, then (when the account has a second factor) the one-time code.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, type ApiError } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { ErrorAlert } from '../components/Alert.tsx';
import { TextField } from '../components/Field.tsx';
import { asApiError } from '../hooks.ts';

export function LoginPage() {
  const { setSession } = useAuth();
  const [step, setStep] = useState<'password' | 'mfa'>('password');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const codeRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (step === 'mfa') codeRef.current?.focus();
  }, [step]);

  const submitPassword = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await api.login(email.trim(), password);
      if (res.mfaRequired) {
        setPassword('');
        setStep('mfa');
      } else {
        setSession({ user: res.user, csrfToken: res.csrfToken });
      }
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };

  const submitCode = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setSession(await api.loginMfa(code.replace(/\s+/g, '')));
    } catch (err) {
      setError(asApiError(err));
      setCode('');
      codeRef.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  if (step === 'mfa') {
    return (
      <section className="card login">
        <h1>Two-factor authentication</h1>
        <p>Enter the 6-digit code from your authenticator app, or one of your recovery codes.</p>
        <ErrorAlert error={error} />
        <form onSubmit={(e) => void submitCode(e)} noValidate>
          <TextField
            id="login-code"
            label="Authentication code"
            hint="6 digits, or a recovery code."
            value={code}
            onValue={setCode}
            ref={codeRef}
            autoComplete="one-time-code"
            inputMode="text"
            spellCheck={false}
            autoCapitalize="off"
            required
          />
          <div className="actions">
            <button type="submit" disabled={busy || code.trim() === ''}>
              {busy ? 'Verifying…' : 'Verify'}
            </button>
            <button
              type="button"
              className="button-secondary"
              onClick={() => {
                setStep('password');
                setCode('');
                setError(null);
              }}
            >
              Back
            </button>
          </div>
        </form>
      </section>
    );
  }

  return (
    <section className="card login">
      <h1>Log in</h1>
      <ErrorAlert error={error} />
      <form onSubmit={(e) => void submitPassword(e)}>
        <TextField id="login-email" label="E-mail" type="email" autoComplete="username" value={email} onValue={setEmail} required />
        <TextField
          id="login-password"
          label="Password"
          type="password"
          autoComplete="current-password"
          value={password}
          onValue={setPassword}
          required
        />
        <div className="actions">
          <button type="submit" disabled={busy}>
            {busy ? 'Logging in…' : 'Log in'}
          </button>
        </div>
      </form>
      <p className="muted small">
        No account? <a href="/report">Report an incident to the national teams</a>.
      </p>
    </section>
  );
}
