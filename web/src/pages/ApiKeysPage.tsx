// The user's API keys: list, create (key shown once), revoke.
import { useState, type FormEvent } from 'react';
import { api, type ApiError, type ApiKey, type CreatedApiKey, type Role } from '../api.ts';
import { useUser } from '../auth.tsx';
import { ErrorAlert, Loading } from '../components/Alert.tsx';
import { CopyButton } from '../components/CopyButton.tsx';
import { SelectField, TextField } from '../components/Field.tsx';
import { formatDate, label } from '../components/format.ts';
import { formErrors } from '../components/formErrors.ts';
import { asApiError, useLoad } from '../hooks.ts';
import { assignableRoles } from '../permissions.ts';

function CreatedKey({ created, onDone }: { created: CreatedApiKey; onDone(): void }) {
  return (
    <div className="card card-emphasis" role="region" aria-labelledby="new-key-title">
      <h2 id="new-key-title">API key “{created.apiKey.name}” created</h2>
      <p>
        Copy the key now and keep it in a secret store. <strong>It is shown only this once</strong>; Sanad keeps only a hash of it.
      </p>
      <div className="field">
        <label htmlFor="new-api-key">New API key</label>
        <div className="inline">
          <input id="new-api-key" className="mono wide" readOnly value={created.key} onFocus={(e) => e.target.select()} />
          <CopyButton text={created.key} />
        </div>
      </div>
      <div className="actions">
        <button type="button" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}

function CreateKeyForm({ onCreated }: { onCreated(created: CreatedApiKey): void }) {
  const user = useUser();
  const [name, setName] = useState('');
  const [role, setRole] = useState('');
  const [expires, setExpires] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const errs = formErrors(error, ['name', 'role', 'expiresAt']);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const input: { name: string; role?: Role; expiresAt?: string } = { name: name.trim() };
      if (role) input.role = role as Role;
      if (expires) input.expiresAt = new Date(`${expires}T23:59:59Z`).toISOString();
      onCreated(await api.createApiKey(input));
      setName('');
      setRole('');
      setExpires('');
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="create-key-title">
      <h2 id="create-key-title">Create an API key</h2>
      <ErrorAlert error={errs.banner} />
      <form onSubmit={(e) => void submit(e)}>
        <div className="grid">
          <TextField id="key-name" label="Key name" hint="What the key is for, e.g. “MISP sync”." value={name} onValue={setName} error={errs.of('name')} required maxLength={100} />
          <SelectField
            id="key-role"
            label="Role"
            hint="A key can carry at most your own role."
            value={role}
            onValue={setRole}
            error={errs.of('role')}
            options={[{ value: '', label: `Same as mine (${label(user.role)})` }, ...assignableRoles(user).map((r) => ({ value: r, label: label(r) }))]}
          />
          <TextField id="key-expires" label="Expires on (optional)" type="date" value={expires} onValue={setExpires} error={errs.of('expiresAt')} />
        </div>
        <div className="actions">
          <button type="submit" disabled={busy || name.trim() === ''}>
            Create API key
          </button>
        </div>
      </form>
    </section>
  );
}

function RevokeButton({ apiKey, onRevoked }: { apiKey: ApiKey; onRevoked(): void }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  if (apiKey.revokedAt) return null;
  const revoke = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await api.revokeApiKey(apiKey.id);
      onRevoked();
    } catch (err) {
      setError(asApiError(err));
      setBusy(false);
    }
  };
  if (!confirming) {
    return (
      <button type="button" className="button-secondary" onClick={() => setConfirming(true)} aria-label={`Revoke ${apiKey.name}`}>
        Revoke
      </button>
    );
  }
  return (
    <span className="inline">
      <button type="button" className="button-danger" onClick={() => void revoke()} disabled={busy} aria-label={`Confirm revoking ${apiKey.name}`}>
        Confirm revoke
      </button>
      <button type="button" className="button-secondary" onClick={() => setConfirming(false)}>
        Cancel
      </button>
      {error ? <span className="field-error" role="alert">{error.detail}</span> : null}
    </span>
  );
}

export function ApiKeysPage() {
  const keys = useLoad(() => api.apiKeys(), []);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const items = keys.data?.items ?? [];

  return (
    <section>
      <h1>API keys</h1>
      <p>API keys let scripts and tools call the Sanad API on your behalf. Send them in the <code>Authorization: Bearer</code> header.</p>
      {created ? <CreatedKey created={created} onDone={() => setCreated(null)} /> : null}
      <CreateKeyForm
        onCreated={(c) => {
          setCreated(c);
          keys.reload();
        }}
      />
      <h2>Your keys</h2>
      <ErrorAlert error={keys.error} />
      {keys.loading && !keys.data ? <Loading /> : null}
      {keys.data && items.length === 0 ? <p className="muted">You have no API keys.</p> : null}
      {items.length ? (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Your API keys</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Prefix</th>
                <th scope="col">Role</th>
                <th scope="col">Created</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((k) => (
                <tr key={k.id} className={k.revokedAt ? 'row-revoked' : undefined}>
                  <td>{k.name}</td>
                  <td>
                    <code>{k.prefix}</code>
                  </td>
                  <td>{label(k.role)}</td>
                  <td>{formatDate(k.createdAt)}</td>
                  <td>{formatDate(k.expiresAt)}</td>
                  <td>
                    {formatDate(k.lastUsedAt)}
                    {k.lastUsedIp ? <div className="muted">from {k.lastUsedIp}</div> : null}
                  </td>
                  <td>{k.revokedAt ? <span className="badge badge-revoked">Revoked {formatDate(k.revokedAt)}</span> : <span className="badge badge-member">Active</span>}</td>
                  <td>
                    <RevokeButton apiKey={k} onRevoked={keys.reload} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
