// Admin: create or edit an organisation.
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import {
  api,
  STATUSES,
  TIERS,
  type ApiError,
  type Contacts,
  type MemberStatus,
  type Organisation,
  type OrganisationInput,
  type Tier,
} from '../api.ts';
import { useUser } from '../auth.tsx';
import { ErrorAlert, Loading } from '../components/Alert.tsx';
import { useCountries } from '../components/Country.tsx';
import { SelectField, TextAreaField, TextField } from '../components/Field.tsx';
import { formatFingerprint, label } from '../components/format.ts';
import { formErrors } from '../components/formErrors.ts';
import { asApiError, useLoad } from '../hooks.ts';
import { canManageOrganisations } from '../permissions.ts';
import { Link, navigate } from '../router.tsx';

interface OrgForm {
  name: string;
  shortName: string;
  country: string;
  tier: Tier;
  status: MemberStatus;
  roleEmail: string;
  phone: string;
  emergencyPhone: string;
  businessHours: string;
  timeZone: string;
  pgpPublicKey: string;
  ipPrefixes: string;
  asns: string;
  domains: string;
  profile: string;
}

const EMPTY: OrgForm = {
  name: '',
  shortName: '',
  country: '',
  tier: 'full',
  status: 'member',
  roleEmail: '',
  phone: '',
  emergencyPhone: '',
  businessHours: '',
  timeZone: '',
  pgpPublicKey: '',
  ipPrefixes: '',
  asns: '',
  domains: '',
  profile: '',
};

const FIELDS = [
  'name',
  'shortName',
  'country',
  'tier',
  'status',
  'contacts.roleEmail',
  'contacts.phone',
  'contacts.emergencyPhone',
  'contacts.businessHours',
  'contacts.timeZone',
  'pgpPublicKey',
  'constituency.ipPrefixes',
  'constituency.asns',
  'constituency.domains',
  'profile',
] as const;

function fromOrg(org: Organisation): OrgForm {
  return {
    name: org.name,
    shortName: org.shortName,
    country: org.country ?? '',
    tier: org.tier,
    status: org.status,
    roleEmail: org.contacts.roleEmail ?? '',
    phone: org.contacts.phone ?? '',
    emergencyPhone: org.contacts.emergencyPhone ?? '',
    businessHours: org.contacts.businessHours ?? '',
    timeZone: org.contacts.timeZone ?? '',
    pgpPublicKey: org.pgpPublicKey ?? '',
    ipPrefixes: org.constituency.ipPrefixes.join('\n'),
    asns: org.constituency.asns.join('\n'),
    domains: org.constituency.domains.join('\n'),
    profile: org.profile,
  };
}

const lines = (text: string): string[] =>
  text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');

function toInput(f: OrgForm): Required<OrganisationInput> {
  const contacts: Contacts = {};
  const put = (key: keyof Contacts, value: string): void => {
    if (value.trim()) contacts[key] = value.trim();
  };
  put('roleEmail', f.roleEmail);
  put('phone', f.phone);
  put('emergencyPhone', f.emergencyPhone);
  put('businessHours', f.businessHours);
  put('timeZone', f.timeZone);
  return {
    name: f.name.trim(),
    shortName: f.shortName.trim(),
    country: f.country.trim() ? f.country.trim().toUpperCase() : null,
    tier: f.tier,
    status: f.status,
    contacts,
    pgpPublicKey: f.pgpPublicKey.trim() ? f.pgpPublicKey.trim() : null,
    constituency: { ipPrefixes: lines(f.ipPrefixes), asns: lines(f.asns), domains: lines(f.domains) },
    profile: f.profile.trim(),
  };
}

/** The fields of `next` that differ from `prev` (compared as JSON). */
function diff(prev: Required<OrganisationInput>, next: Required<OrganisationInput>): Partial<OrganisationInput> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(next) as (keyof OrganisationInput)[]) {
    if (JSON.stringify(prev[key]) !== JSON.stringify(next[key])) out[key] = next[key];
  }
  return out as Partial<OrganisationInput>;
}

function timeZones(): string[] {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return [];
  }
}

function OrganisationForm({ org }: { org: Organisation | null }) {
  const user = useUser();
  const manager = canManageOrganisations(user);
  const countryList = useCountries();
  const zones = useMemo(timeZones, []);
  const initial = useMemo(() => (org ? fromOrg(org) : EMPTY), [org]);
  const [form, setForm] = useState<OrgForm>(initial);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const errs = formErrors(error, FIELDS);

  // Focus the control the server complained about.
  useEffect(() => {
    if (!errs.field) return;
    document.querySelector<HTMLElement>(`[aria-describedby~="org-${errs.field.replace('.', '-')}-error"]`)?.focus();
  }, [error, errs.field]);

  const set =
    <K extends keyof OrgForm>(key: K) =>
    (value: OrgForm[K]): void =>
      setForm((f) => ({ ...f, [key]: value }));

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const next = toInput(form);
      let saved: Organisation;
      if (org) {
        const patch = diff(toInput(initial), next);
        saved = Object.keys(patch).length ? await api.updateOrganisation(org.id, patch) : org;
      } else {
        saved = await api.createOrganisation(next);
      }
      navigate(`/organisations/${encodeURIComponent(saved.id)}`);
    } catch (err) {
      setError(asApiError(err));
      setBusy(false);
    }
  };

  const id = (key: string): string => `org-${key.replace('.', '-')}`;

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      {error ? (
        <ErrorAlert error={errs.banner}>{errs.banner ? null : <p>The organisation was not saved: please correct the marked field.</p>}</ErrorAlert>
      ) : null}

      <fieldset>
        <legend>Identity</legend>
        <div className="grid">
          <TextField id={id('name')} label="Name" value={form.name} onValue={set('name')} error={errs.of('name')} required maxLength={200} />
          <TextField
            id={id('shortName')}
            label="Short name"
            value={form.shortName}
            onValue={set('shortName')}
            error={errs.of('shortName')}
            required
            maxLength={50}
          />
          <TextField
            id={id('country')}
            label="Country"
            hint="Two-letter ISO 3166 code, e.g. MY."
            value={form.country}
            onValue={(v) => set('country')(v.toUpperCase())}
            error={errs.of('country')}
            list="country-codes"
            maxLength={2}
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            className="short"
          />
          <datalist id="country-codes">
            {countryList.map((c) => (
              <option key={c.code} value={c.code}>
                {c.name}
              </option>
            ))}
          </datalist>
          <SelectField
            id={id('tier')}
            label="Tier"
            value={form.tier}
            onValue={(v) => set('tier')(v as Tier)}
            options={TIERS.map((t) => ({ value: t, label: label(t) }))}
            error={errs.of('tier')}
            disabled={!manager}
            hint={manager ? undefined : 'Set by the secretariat.'}
          />
          <SelectField
            id={id('status')}
            label="Membership status"
            value={form.status}
            onValue={(v) => set('status')(v as MemberStatus)}
            options={STATUSES.map((s) => ({ value: s, label: label(s) }))}
            error={errs.of('status')}
            disabled={!manager}
            hint={manager ? undefined : 'Set by the secretariat.'}
          />
        </div>
      </fieldset>

      <fieldset>
        <legend>Contacts</legend>
        <div className="grid">
          <TextField
            id={id('contacts.roleEmail')}
            label="Role e-mail"
            type="email"
            value={form.roleEmail}
            onValue={set('roleEmail')}
            error={errs.of('contacts.roleEmail')}
          />
          <TextField id={id('contacts.phone')} label="Phone" type="tel" value={form.phone} onValue={set('phone')} error={errs.of('contacts.phone')} />
          <TextField
            id={id('contacts.emergencyPhone')}
            label="Emergency phone"
            type="tel"
            value={form.emergencyPhone}
            onValue={set('emergencyPhone')}
            error={errs.of('contacts.emergencyPhone')}
          />
          <TextField
            id={id('contacts.businessHours')}
            label="Business hours"
            hint="e.g. Sun–Thu 08:00–17:00"
            value={form.businessHours}
            onValue={set('businessHours')}
            error={errs.of('contacts.businessHours')}
          />
          <TextField
            id={id('contacts.timeZone')}
            label="Time zone"
            hint="IANA name, e.g. Asia/Kuala_Lumpur"
            value={form.timeZone}
            onValue={set('timeZone')}
            error={errs.of('contacts.timeZone')}
            list="time-zones"
            autoComplete="off"
            spellCheck={false}
          />
          <datalist id="time-zones">
            {zones.map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
        </div>
      </fieldset>

      <fieldset>
        <legend>PGP</legend>
        {org?.pgpFingerprint ? (
          <p>
            Current fingerprint: <code className="fingerprint">{formatFingerprint(org.pgpFingerprint)}</code>
          </p>
        ) : null}
        <TextAreaField
          id={id('pgpPublicKey')}
          label="PGP public key"
          hint="ASCII-armoured public key block of the team."
          value={form.pgpPublicKey}
          onValue={set('pgpPublicKey')}
          error={errs.of('pgpPublicKey')}
          rows={6}
          className="mono"
          spellCheck={false}
        />
      </fieldset>

      <fieldset>
        <legend>Constituency</legend>
        <p className="hint">One entry per line.</p>
        <div className="grid grid-3">
          <TextAreaField
            id={id('constituency.ipPrefixes')}
            label="IP prefixes"
            hint="e.g. 192.0.2.0/24"
            value={form.ipPrefixes}
            onValue={set('ipPrefixes')}
            error={errs.of('constituency.ipPrefixes')}
            rows={5}
            className="mono"
            spellCheck={false}
          />
          <TextAreaField
            id={id('constituency.asns')}
            label="ASNs"
            hint="e.g. AS64496"
            value={form.asns}
            onValue={set('asns')}
            error={errs.of('constituency.asns')}
            rows={5}
            className="mono"
            spellCheck={false}
          />
          <TextAreaField
            id={id('constituency.domains')}
            label="Domains"
            hint="e.g. example.my"
            value={form.domains}
            onValue={set('domains')}
            error={errs.of('constituency.domains')}
            rows={5}
            className="mono"
            spellCheck={false}
          />
        </div>
      </fieldset>

      <fieldset>
        <legend>Profile</legend>
        <TextAreaField
          id={id('profile')}
          label="Profile text"
          hint="Mandate, services and anything peers should know. Plain text."
          value={form.profile}
          onValue={set('profile')}
          error={errs.of('profile')}
          rows={6}
        />
      </fieldset>

      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Saving…' : org ? 'Save changes' : 'Create organisation'}
        </button>
        <Link className="button-link button-secondary" to={org ? `/organisations/${encodeURIComponent(org.id)}` : '/admin/organisations'}>
          Cancel
        </Link>
      </div>
    </form>
  );
}

export function OrganisationFormPage({ id }: { id: string | null }) {
  const loaded = useLoad(() => (id ? api.organisation(id) : Promise.resolve(null)), [id]);
  const title = id ? 'Edit organisation' : 'New organisation';
  return (
    <section>
      <h1>
        {title}
        {loaded.data ? `: ${loaded.data.name}` : ''}
      </h1>
      <ErrorAlert error={loaded.error} />
      {loaded.loading ? <Loading /> : null}
      {!loaded.loading && !loaded.error ? <OrganisationForm key={id ?? 'new'} org={loaded.data ?? null} /> : null}
    </section>
  );
}
