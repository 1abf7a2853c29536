// Admin: users of the node (admin) or of one's own organisation (org-admin).
import { useState, type FormEvent } from 'react';
import { allOrganisations, api, type ApiError, type Organisation, type Role, type User } from '../api.ts';
import { useUser } from '../auth.tsx';
import { ErrorAlert, Loading, Notice } from '../components/Alert.tsx';
import { SelectField, TextField } from '../components/Field.tsx';
import { formatDate, label } from '../components/format.ts';
import { formErrors } from '../components/formErrors.ts';
import { ListFooter } from '../components/ListFooter.tsx';
import { asApiError, useLoad, usePaged } from '../hooks.ts';
import { assignableRoles } from '../permissions.ts';

const orgLabel = (o: Organisation): string => `${o.name} (${o.shortName})`;

function CreateUserForm({ orgs, fixedOrg, onCreated }: { orgs: Organisation[]; fixedOrg: string | null; onCreated(user: User): void }) {
  const me = useUser();
  const roles = assignableRoles(me);
  const [orgId, setOrgId] = useState(fixedOrg ?? '');
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('analyst');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const errs = formErrors(error, ['orgId', 'email', 'name', 'role', 'password']);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const user = await api.createUser({ orgId: fixedOrg ?? orgId, email: email.trim(), name: name.trim(), role, password });
      setEmail('');
      setName('');
      setPassword('');
      onCreated(user);
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };

  const orgOptions = fixedOrg
    ? orgs.filter((o) => o.id === fixedOrg).map((o) => ({ value: o.id, label: orgLabel(o) }))
    : [{ value: '', label: 'Choose an organisation…' }, ...orgs.map((o) => ({ value: o.id, label: orgLabel(o) }))];
  if (fixedOrg && orgOptions.length === 0) orgOptions.push({ value: fixedOrg, label: me.orgName });

  return (
    <section className="card" aria-labelledby="create-user-title">
      <h2 id="create-user-title">Create a user</h2>
      <ErrorAlert error={errs.banner} />
      <form onSubmit={(e) => void submit(e)}>
        <div className="grid">
          <SelectField
            id="user-org"
            label="Organisation"
            value={fixedOrg ?? orgId}
            onValue={setOrgId}
            options={orgOptions}
            error={errs.of('orgId')}
            disabled={fixedOrg !== null}
            required
          />
          <TextField id="user-email" label="E-mail" type="email" autoComplete="off" value={email} onValue={setEmail} error={errs.of('email')} required />
          <TextField id="user-name" label="Name" autoComplete="off" value={name} onValue={setName} error={errs.of('name')} required />
          <SelectField
            id="user-role"
            label="Role"
            value={role}
            onValue={(v) => setRole(v as Role)}
            options={roles.map((r) => ({ value: r, label: label(r) }))}
            error={errs.of('role')}
            required
          />
          <TextField
            id="user-password"
            label="Initial password"
            hint="Give it to the user over a separate channel; they should change it at first login."
            type="password"
            autoComplete="new-password"
            value={password}
            onValue={setPassword}
            error={errs.of('password')}
            required
          />
        </div>
        <div className="actions">
          <button type="submit" disabled={busy || !(fixedOrg ?? orgId)}>
            Create user
          </button>
        </div>
      </form>
    </section>
  );
}

function UserRow({ user, onChanged }: { user: User; onChanged(user: User): void }) {
  const me = useUser();
  const [role, setRole] = useState<Role>(user.role);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const self = me.id === user.id;
  const roles = assignableRoles(me);
  const options = (roles.includes(user.role) ? roles : [user.role, ...roles]).map((r) => ({ value: r, label: label(r) }));

  const patch = async (p: { role?: Role; disabled?: boolean }): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      const updated = await api.updateUser(user.id, p);
      setRole(updated.role);
      onChanged(updated);
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <tr className={user.disabled ? 'row-revoked' : undefined}>
      <td>
        {user.name || '—'}
        <div className="muted">{user.email}</div>
      </td>
      <td>{user.orgName}</td>
      <td>
        <span className="inline">
          <select aria-label={`Role of ${user.email}`} value={role} onChange={(e) => setRole(e.target.value as Role)} disabled={self || busy}>
            {options.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
          {role !== user.role ? (
            <button type="button" onClick={() => void patch({ role })} disabled={busy} aria-label={`Change role of ${user.email}`}>
              Change role
            </button>
          ) : null}
        </span>
      </td>
      <td>{user.mfaEnabled ? 'On' : 'Off'}</td>
      <td>{formatDate(user.lastLoginAt)}</td>
      <td>{user.disabled ? <span className="badge badge-suspended">Disabled</span> : <span className="badge badge-member">Active</span>}</td>
      <td>
        {self ? (
          <span className="muted">You</span>
        ) : (
          <button
            type="button"
            className={user.disabled ? 'button-secondary' : 'button-danger'}
            onClick={() => void patch({ disabled: !user.disabled })}
            disabled={busy}
            aria-label={`${user.disabled ? 'Enable' : 'Disable'} ${user.email}`}
          >
            {user.disabled ? 'Enable' : 'Disable'}
          </button>
        )}
        {error ? (
          <p className="field-error" role="alert">
            {error.detail}
          </p>
        ) : null}
      </td>
    </tr>
  );
}

export function AdminUsersPage() {
  const me = useUser();
  const isAdmin = me.role === 'admin';
  const fixedOrg = isAdmin ? null : me.orgId;
  const [filter, setFilter] = useState('');
  const orgId = fixedOrg ?? filter;
  const orgs = useLoad(() => (isAdmin ? allOrganisations() : api.organisation(me.orgId).then((o) => [o])), [isAdmin, me.orgId]);
  const list = usePaged((cursor) => api.users({ orgId: orgId || undefined, cursor }), [orgId]);
  const [created, setCreated] = useState<User | null>(null);

  return (
    <section>
      <h1>Admin: users</h1>
      {created ? (
        <Notice>
          User {created.email} created in {created.orgName}.
        </Notice>
      ) : null}
      <ErrorAlert error={orgs.error} />
      {orgs.data ? (
        <CreateUserForm
          orgs={orgs.data}
          fixedOrg={fixedOrg}
          onCreated={(u) => {
            setCreated(u);
            list.reload();
          }}
        />
      ) : orgs.loading ? (
        <Loading what="Loading organisations" />
      ) : null}

      <h2>Users</h2>
      {isAdmin && orgs.data ? (
        <div className="search">
          <label htmlFor="users-filter">Show users of</label>
          <select id="users-filter" value={filter} onChange={(e) => setFilter(e.target.value)}>
            <option value="">All organisations</option>
            {orgs.data.map((o) => (
              <option key={o.id} value={o.id}>
                {orgLabel(o)}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <ErrorAlert error={list.error} />
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">Users</caption>
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Organisation</th>
              <th scope="col">Role</th>
              <th scope="col">2FA</th>
              <th scope="col">Last login</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((u) => (
              <UserRow key={u.id} user={u} onChanged={(x) => list.replace(x, (a, b) => a.id === b.id)} />
            ))}
          </tbody>
        </table>
      </div>
      <ListFooter list={list} empty="No users." />
    </section>
  );
}
