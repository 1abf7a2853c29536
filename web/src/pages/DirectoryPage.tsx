// Directory of member organisations.
import { useState } from 'react';
import { api } from '../api.ts';
import { ErrorAlert } from '../components/Alert.tsx';
import { CountryLabel, useCountries } from '../components/Country.tsx';
import { formatFingerprint, label } from '../components/format.ts';
import { ListFooter } from '../components/ListFooter.tsx';
import { SearchForm } from '../components/SearchForm.tsx';
import { usePaged } from '../hooks.ts';
import { Link } from '../router.tsx';

export function DirectoryPage() {
  const [q, setQ] = useState('');
  const countryList = useCountries();
  const list = usePaged((cursor) => api.organisations({ cursor, q }), [q]);


  return (
    <section>
      <h1>Directory</h1>
      <SearchForm id="directory-q" label="Search organisations" query={q} onSearch={setQ} />
      <ErrorAlert error={list.error} />
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">Member organisations{q ? ` matching “${q}”` : ''}</caption>
          <thead>
            <tr>
              <th scope="col">Country</th>
              <th scope="col">Organisation</th>
              <th scope="col">Tier</th>
              <th scope="col">Status</th>
              <th scope="col">Role e-mail</th>
              <th scope="col">PGP fingerprint</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((org) => (
              <tr key={org.id}>
                <td>
                  <CountryLabel code={org.country} list={countryList} />
                </td>
                <td>
                  <Link to={`/organisations/${encodeURIComponent(org.id)}`}>{org.name}</Link>
                  <div className="muted">{org.shortName}</div>
                </td>
                <td>{label(org.tier)}</td>
                <td>
                  <span className={`badge badge-${org.status}`}>{label(org.status)}</span>
                </td>
                <td>{org.contacts.roleEmail ? <a href={`mailto:${org.contacts.roleEmail}`}>{org.contacts.roleEmail}</a> : '—'}</td>
                <td>
                  <code className="fingerprint">{formatFingerprint(org.pgpFingerprint)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ListFooter list={list} empty="No organisations found." />
    </section>
  );
}
