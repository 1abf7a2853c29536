// One organisation: contacts, constituency, PGP key and profile text.
import { api } from '../api.ts';
import { useUser } from '../auth.tsx';
import { ErrorAlert, Loading } from '../components/Alert.tsx';
import { CountryLabel, useCountries } from '../components/Country.tsx';
import { formatDate, formatFingerprint, label } from '../components/format.ts';
import { useLoad } from '../hooks.ts';
import { canEditOrganisation } from '../permissions.ts';
import { Link } from '../router.tsx';

function Entries({ title, items }: { title: string; items: readonly string[] }) {
  return (
    <div>
      <h3>{title}</h3>
      {items.length ? (
        <ul className="plain-list">
          {items.map((x) => (
            <li key={x}>
              <code>{x}</code>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">None listed.</p>
      )}
    </div>
  );
}

export function OrganisationPage({ id }: { id: string }) {
  const user = useUser();
  const countryList = useCountries();
  const { data: org, error, loading } = useLoad(() => api.organisation(id), [id]);

  if (error) {
    return (
      <section>
        <h1>Organisation</h1>
        <ErrorAlert error={error} />
        <p>
          <Link to="/directory">Back to the directory</Link>
        </p>
      </section>
    );
  }
  if (loading || !org) {
    return (
      <section>
        <h1>Organisation</h1>
        <Loading />
      </section>
    );
  }
  const c = org.contacts;
  return (
    <article>
      <p className="breadcrumb">
        <Link to="/directory">Directory</Link> / {org.shortName}
      </p>
      <div className="title-row">
        <h1>{org.name}</h1>
        {canEditOrganisation(user, org.id) ? (
          <Link className="button-link" to={`/admin/organisations/${encodeURIComponent(org.id)}/edit`}>
            Edit organisation
          </Link>
        ) : null}
      </div>
      <dl className="facts">
        <dt>Short name</dt>
        <dd>{org.shortName}</dd>
        <dt>Country</dt>
        <dd>
          <CountryLabel code={org.country} list={countryList} long />
        </dd>
        <dt>Tier</dt>
        <dd>{label(org.tier)}</dd>
        <dt>Status</dt>
        <dd>
          <span className={`badge badge-${org.status}`}>{label(org.status)}</span>
        </dd>
        <dt>Home node</dt>
        <dd>
          {org.homeNode}
        </dd>
        <dt>Last modified</dt>
        <dd>{formatDate(org.modifiedAt)}</dd>
      </dl>

      <section className="card">
        <h2>Contacts</h2>
        <dl className="facts">
          <dt>Role e-mail</dt>
          <dd>{c.roleEmail ? <a href={`mailto:${c.roleEmail}`}>{c.roleEmail}</a> : '—'}</dd>
          <dt>Phone</dt>
          <dd>{c.phone ? <a href={`tel:${c.phone}`}>{c.phone}</a> : '—'}</dd>
          <dt>Emergency phone</dt>
          <dd>{c.emergencyPhone ? <a href={`tel:${c.emergencyPhone}`}>{c.emergencyPhone}</a> : '—'}</dd>
          <dt>Business hours</dt>
          <dd>{c.businessHours || '—'}</dd>
          <dt>Time zone</dt>
          <dd>{c.timeZone || '—'}</dd>
        </dl>
      </section>

      <section className="card">
        <h2>PGP</h2>
        <dl className="facts">
          <dt>Fingerprint</dt>
          <dd>
            <code className="fingerprint">{formatFingerprint(org.pgpFingerprint)}</code>
          </dd>
        </dl>
        {org.pgpPublicKey ? (
          <details>
            <summary>Public key</summary>
            <pre className="key-block">{org.pgpPublicKey}</pre>
          </details>
        ) : null}
      </section>

      <section className="card">
        <h2>Constituency</h2>
        <div className="columns">
          <Entries title="IP prefixes" items={org.constituency.ipPrefixes} />
          <Entries title="ASNs" items={org.constituency.asns} />
          <Entries title="Domains" items={org.constituency.domains} />
        </div>
      </section>

      <section className="card">
        <h2>Profile</h2>
        {org.profile ? <p className="profile-text">{org.profile}</p> : <p className="muted">No profile text.</p>}
      </section>
    </article>
  );
}
