// The logged-in user's profile: password and second factor.
import { useState, type FormEvent } from 'react';
import { api, type ApiError, type MfaEnrolment } from '../api.ts';
import { useAuth, useUser } from '../auth.tsx';
import { ErrorAlert, Notice } from '../components/Alert.tsx';
import { CopyButton } from '../components/CopyButton.tsx';
import { TextField } from '../components/Field.tsx';
import { formatDate, label } from '../components/format.ts';
import { formErrors } from '../components/formErrors.ts';
import { RecoveryCodesPanel } from '../components/RecoveryCodes.tsx';
import { asApiError } from '../hooks.ts';

export function ChangePassword({ onChanged }: { onChanged?: () => void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [mismatch, setMismatch] = useState(false);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const errs = formErrors(error, ['currentPassword', 'newPassword']);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setDone(false);
    setError(null);
    if (next !== confirm) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    setBusy(true);
    try {
      await api.changePassword(current, next);
      setCurrent('');
      setNext('');
      setConfirm('');
      setDone(true);
      onChanged?.();
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="pw-title">
      <h2 id="pw-title">Change password</h2>
      {done ? <Notice>Your password has been changed.</Notice> : null}
      <ErrorAlert error={errs.banner} />
      <form onSubmit={(e) => void submit(e)}>
        <TextField
          id="pw-current"
          label="Current password"
          type="password"
          autoComplete="current-password"
          value={current}
          onValue={setCurrent}
          error={errs.of('currentPassword')}
          required
        />
        <TextField
          id="pw-new"
          label="New password"
          type="password"
          autoComplete="new-password"
          value={next}
          onValue={setNext}
          error={errs.of('newPassword')}
          required
        />
        <TextField
          id="pw-confirm"
          label="Repeat new password"
          type="password"
          autoComplete="new-password"
          value={confirm}
          onValue={setConfirm}
          error={mismatch ? 'The two new passwords differ.' : undefined}
          required
        />
        <div className="actions">
          <button type="submit" disabled={busy}>
            Change password
          </button>
        </div>
      </form>
    </section>
  );
}

function qrSrc(svg: string): string {
  return `data:image/svg+xml;utf8,${encodeURIComponent(svg)}`;
}

function SecondFactor() {
  const user = useUser();
  const { refresh } = useAuth();
  const [enrolment, setEnrolment] = useState<MfaEnrolment | null>(null);
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [codes, setCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const errs = formErrors(error, ['code', 'password']);

  const run = async (action: () => Promise<void>): Promise<void> => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await action();
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };

  const enrol = (): Promise<void> =>
    run(async () => {
      setEnrolment(await api.mfaEnrol());
      setCode('');
    });

  const activate = (e: FormEvent): Promise<void> => {
    e.preventDefault();
    return run(async () => {
      const res = await api.mfaActivate(code.replace(/\s+/g, ''));
      setEnrolment(null);
      setCode('');
      setCodes(res.recoveryCodes);
      await refresh();
    });
  };

  const disable = (): Promise<void> =>
    run(async () => {
      await api.mfaDisable(password);
      setPassword('');
      setCodes(null);
      await refresh();
      setNotice('Two-factor authentication has been turned off.');
    });

  const regenerate = (): Promise<void> =>
    run(async () => {
      const res = await api.mfaRecoveryCodes(password);
      setPassword('');
      setCodes(res.recoveryCodes);
    });

  return (
    <section className="card" aria-labelledby="mfa-title">
      <h2 id="mfa-title">Two-factor authentication</h2>
      <p>
        Status:{' '}
        <strong className={user.mfaEnabled ? 'status-on' : 'status-off'}>{user.mfaEnabled ? 'On' : 'Off'}</strong>
      </p>
      {notice ? <Notice>{notice}</Notice> : null}
      <ErrorAlert error={errs.banner} />

      {codes ? <RecoveryCodesPanel codes={codes} onDone={() => setCodes(null)} /> : null}

      {!user.mfaEnabled && !enrolment ? (
        <>
          <p>Protect your account with a time-based one-time code from an authenticator app.</p>
          <div className="actions">
            <button type="button" onClick={() => void enrol()} disabled={busy}>
              Set up two-factor authentication
            </button>
          </div>
        </>
      ) : null}

      {!user.mfaEnabled && enrolment ? (
        <div className="enrol">
          <ol className="steps">
            <li>
              <p>Scan this QR code with your authenticator app, or enter the secret key by hand.</p>
              <img className="qr" src={qrSrc(enrolment.qrSvg)} alt="QR code for setting up the authenticator app" width={200} height={200} />
              <div className="field">
                <label htmlFor="mfa-secret">Secret key</label>
                <div className="inline">
                  <input id="mfa-secret" className="mono" readOnly value={enrolment.secret} onFocus={(e) => e.target.select()} />
                  <CopyButton text={enrolment.secret} />
                </div>
              </div>
            </li>
            <li>
              <form onSubmit={(e) => void activate(e)}>
                <TextField
                  id="mfa-code"
                  label="Verification code"
                  hint="The 6-digit code your app shows now."
                  value={code}
                  onValue={setCode}
                  error={errs.of('code')}
                  inputMode="numeric"
                  autoComplete="one-time-code"
                  maxLength={8}
                  required
                />
                <div className="actions">
                  <button type="submit" disabled={busy || code.trim() === ''}>
                    Activate
                  </button>
                  <button type="button" className="button-secondary" onClick={() => setEnrolment(null)}>
                    Cancel
                  </button>
                </div>
              </form>
            </li>
          </ol>
        </div>
      ) : null}

      {user.mfaEnabled ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
          }}
        >
          <TextField
            id="mfa-password"
            label="Your password"
            hint="Needed to turn off two-factor authentication or to replace your recovery codes."
            type="password"
            autoComplete="current-password"
            value={password}
            onValue={setPassword}
            error={errs.of('password')}
          />
          <div className="actions">
            <button type="button" onClick={() => void regenerate()} disabled={busy || password === ''}>
              Generate new recovery codes
            </button>
            <button type="button" className="button-danger" onClick={() => void disable()} disabled={busy || password === ''}>
              Turn off two-factor authentication
            </button>
          </div>
        </form>
      ) : null}
    </section>
  );
}

export function ProfilePage() {
  const user = useUser();
  return (
    <section>
      <h1>Profile</h1>
      <dl className="facts">
        <dt>Name</dt>
        <dd>{user.name || '—'}</dd>
        <dt>E-mail</dt>
        <dd>{user.email}</dd>
        <dt>Organisation</dt>
        <dd>{user.orgName}</dd>
        <dt>Role</dt>
        <dd>{label(user.role)}</dd>
        <dt>Last login</dt>
        <dd>{formatDate(user.lastLoginAt)}</dd>
      </dl>
      <SecondFactor />
      <ChangePassword />
    </section>
  );
}
