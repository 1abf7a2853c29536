// Admin: list of organisations with links to create and edit.
import { useState } from 'react';
import { api } from '../api.ts';
import { ErrorAlert } from '../components/Alert.tsx';
import { CountryLabel, useCountries } from '../components/Country.tsx';
import { formatDate, label } from '../components/format.ts';
import { ListFooter } from '../components/ListFooter.tsx';
import { SearchForm } from '../components/SearchForm.tsx';
import { usePaged } from '../hooks.ts';
import { Link } from '../router.tsx';

export function AdminOrganisationsPage() {
  const [q, setQ] = useState('');
  const countryList = useCountries();
  const list = usePaged((cursor) => api.organisations({ cursor, q }), [q]);

  return (
    <section>
      <div className="title-row">
        <h1>Admin: organisations</h1>
        <Link className="button-link" to="/admin/organisations/new">
          New organisation
        </Link>
      </div>
      <SearchForm id="admin-org-q" label="Search organisations" query={q} onSearch={setQ} />
      <ErrorAlert error={list.error} />
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">Organisations</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Short name</th>
              <th scope="col">Country</th>
              <th scope="col">Tier</th>
              <th scope="col">Status</th>
              <th scope="col">Modified</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((org) => (
              <tr key={org.id}>
                <td>
                  <Link to={`/organisations/${encodeURIComponent(org.id)}`}>{org.name}</Link>
                </td>
                <td>{org.shortName}</td>
                <td>
                  <CountryLabel code={org.country} list={countryList} />
                </td>
                <td>{label(org.tier)}</td>
                <td>
                  <span className={`badge badge-${org.status}`}>{label(org.status)}</span>
                </td>
                <td>{formatDate(org.modifiedAt)}</td>
                <td>
                  <Link to={`/admin/organisations/${encodeURIComponent(org.id)}/edit`} aria-label={`Edit ${org.name}`}>
                    Edit
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ListFooter list={list} empty="No organisations." />
    </section>
  );
}
