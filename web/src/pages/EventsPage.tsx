// Intelligence: the events this user may see, newest first, with filters.
import { useState, type FormEvent } from 'react';
import { api, TLP_LEVELS, type EventFilter } from '../api.ts';
import { useUser } from '../auth.tsx';
import { ErrorAlert } from '../components/Alert.tsx';
import { CountryLabel, useCountries } from '../components/Country.tsx';
import { TlpBadge } from '../components/Handling.tsx';
import { ListFooter } from '../components/ListFooter.tsx';
import { usePaged } from '../hooks.ts';
import { canWriteIntel } from '../permissions.ts';
import { Link } from '../router.tsx';

interface Filters {
  q: string;
  tlp: string;
  tag: string;
  publishedOnly: boolean;
}

const NO_FILTERS: Filters = { q: '', tlp: '', tag: '', publishedOnly: false };

function toFilter(f: Filters): EventFilter {
  return {
    q: f.q.trim() || undefined,
    tlp: f.tlp || undefined,
    tag: f.tag.trim() || undefined,
    published: f.publishedOnly ? true : undefined,
  };
}

const isFiltered = (f: Filters): boolean => Boolean(f.q.trim() || f.tlp || f.tag.trim() || f.publishedOnly);

export function EventsPage() {
  const user = useUser();
  const countryList = useCountries();
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [applied, setApplied] = useState<Filters>(NO_FILTERS);
  const key = JSON.stringify(applied);
  const list = usePaged((cursor) => api.events({ ...toFilter(applied), cursor }), [key]);

  const set =
    <K extends keyof Filters>(k: K) =>
    (value: Filters[K]): void =>
      setDraft((f) => ({ ...f, [k]: value }));

  const onFilter = (e: FormEvent): void => {
    e.preventDefault();
    setApplied(draft);
  };

  return (
    <section>
      <div className="title-row">
        <h1>Intelligence</h1>
        {canWriteIntel(user) ? (
          <Link className="button-link" to="/events/new">
            New event
          </Link>
        ) : null}
      </div>
      <form className="search filters" role="search" aria-label="Filter events" onSubmit={onFilter}>
        <span className="filter">
          <label htmlFor="events-q">Search</label>
          <input id="events-q" type="search" value={draft.q} onChange={(e) => set('q')(e.target.value)} maxLength={200} />
        </span>
        <span className="filter">
          <label htmlFor="events-tlp">TLP</label>
          <select id="events-tlp" value={draft.tlp} onChange={(e) => set('tlp')(e.target.value)}>
            <option value="">Any</option>
            {TLP_LEVELS.map((t) => (
              <option key={t} value={t}>
                TLP:{t}
              </option>
            ))}
          </select>
        </span>
        <span className="filter">
          <label htmlFor="events-tag">Tag</label>
          <input id="events-tag" type="text" value={draft.tag} onChange={(e) => set('tag')(e.target.value)} maxLength={255} spellCheck={false} />
        </span>
        <span className="filter filter-check">
          <input id="events-published" type="checkbox" checked={draft.publishedOnly} onChange={(e) => set('publishedOnly')(e.target.checked)} />
          <label htmlFor="events-published">Published only</label>
        </span>
        <button type="submit">Filter</button>
        {isFiltered(applied) || isFiltered(draft) ? (
          <button
            type="button"
            className="button-secondary"
            onClick={() => {
              setDraft(NO_FILTERS);
              setApplied(NO_FILTERS);
            }}
          >
            Clear
          </button>
        ) : null}
      </form>
      <ErrorAlert error={list.error} />
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">Events{isFiltered(applied) ? ' matching the filters' : ''}</caption>
          <thead>
            <tr>
              <th scope="col">TLP</th>
              <th scope="col">Event</th>
              <th scope="col">Team</th>
              <th scope="col">Date</th>
              <th scope="col" className="num">
                Indicators
              </th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((ev) => (
              <tr key={ev.id}>
                <td>
                  <TlpBadge tlp={ev.tlp} />
                </td>
                <td className="wrap-anywhere">
                  <Link to={`/events/${encodeURIComponent(ev.id)}`}>{ev.info}</Link>
                  {ev.tags.length ? <div className="muted small">{ev.tags.join(' · ')}</div> : null}
                </td>
                <td>
                  {ev.ownerOrgName}
                  <div>
                    <CountryLabel code={ev.ownerCountry} list={countryList} />
                  </div>
                </td>
                <td className="nowrap">{ev.date}</td>
                <td className="num">{ev.indicatorCount}</td>
                <td>
                  <span className={`badge ${ev.published ? 'badge-published' : 'badge-draft'}`}>{ev.published ? 'Published' : 'Draft'}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ListFooter list={list} empty="No events found." />
    </section>
  );
}
