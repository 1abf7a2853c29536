// Lookup: paste many values (defanged is fine) and see which events already hold them.
import { useState, type FormEvent } from 'react';
import { api, type ApiError, type LookupMatch, type LookupResult } from '../api.ts';
import { ErrorAlert } from '../components/Alert.tsx';
import { TextAreaField } from '../components/Field.tsx';
import { TlpBadge, WarningFlag } from '../components/Handling.tsx';
import { asApiError } from '../hooks.ts';
import { Link } from '../router.tsx';

const MAX_VALUES = 10_000;

const valuesOf = (text: string): string[] =>
  text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');

function Sightings({ m }: { m: LookupMatch }) {
  const s = m.sightings;
  if (!s.sighting && !s.falsePositive && !s.expiration) return <span className="muted">None</span>;
  return (
    <span>
      {s.sighting} seen · {s.falsePositive} false positive · {s.expiration} expired
    </span>
  );
}

function Matches({ matches }: { matches: readonly LookupMatch[] }) {
  if (!matches.length) return <span className="muted">—</span>;
  return (
    <ul className="matches">
      {matches.map((m) => (
        <li key={m.indicatorId}>
          <div className="match-head">
            <TlpBadge tlp={m.tlp} /> <Link to={`/events/${encodeURIComponent(m.eventId)}`}>{m.eventInfo}</Link>
          </div>
          <div className="muted small">
            {m.orgName}
            {m.country ? ` (${m.country})` : ''} · <code>{m.type}</code> · Sightings: <Sightings m={m} />
          </div>
          {m.warning ? <WarningFlag lists={m.warning} /> : null}
        </li>
      ))}
    </ul>
  );
}

export function LookupPage() {
  const [text, setText] = useState('');
  const [inputError, setInputError] = useState<string | undefined>(undefined);
  const [error, setError] = useState<ApiError | null>(null);
  const [results, setResults] = useState<LookupResult[] | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setError(null);
    const values = valuesOf(text);
    if (!values.length) {
      setInputError('Enter at least one value.');
      document.getElementById('lookup-values')?.focus();
      return;
    }
    if (values.length > MAX_VALUES) {
      setInputError(`At most ${MAX_VALUES.toLocaleString('en')} values at once (you entered ${values.length.toLocaleString('en')}).`);
      document.getElementById('lookup-values')?.focus();
      return;
    }
    setInputError(undefined);
    setBusy(true);
    try {
      setResults((await api.lookup(values)).results);
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };

  const found = results?.filter((r) => r.matches.length > 0).length ?? 0;

  return (
    <section>
      <h1>Lookup</h1>
      <p>Check whether values are already known to any team. Nothing you look up is stored or shared.</p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <TextAreaField
          id="lookup-values"
          label="Values"
          hint="One per line: IP addresses, domains, URLs, hashes, e-mail addresses… Defanged values (hxxp://, [.]) are accepted."
          value={text}
          onValue={(v) => {
            setText(v);
            if (inputError) setInputError(undefined);
          }}
          error={inputError}
          rows={8}
          spellCheck={false}
          autoCapitalize="off"
          autoComplete="off"
          className="mono paste"
          dir="ltr"
        />
        <div className="actions">
          <button type="submit" disabled={busy}>
            {busy ? 'Looking up…' : 'Look up'}
          </button>
        </div>
      </form>
      <ErrorAlert error={error} />
      {results ? (
        <section aria-labelledby="lookup-results-title">
          <h2 id="lookup-results-title">Results</h2>
          <p role="status">
            {found} of {results.length} {results.length === 1 ? 'value' : 'values'} known.
          </p>
          <div className="table-wrap">
            <table className="lookup-results">
              <caption className="visually-hidden">Lookup results, in the order asked</caption>
              <thead>
                <tr>
                  <th scope="col">Value</th>
                  <th scope="col">Type</th>
                  <th scope="col" className="num">
                    Matches
                  </th>
                  <th scope="col">Events</th>
                </tr>
              </thead>
              <tbody>
                {results.map((r, i) => (
                  <tr key={`${i}-${r.value}`} className={r.matches.length ? 'row-hit' : undefined}>
                    <th scope="row" className="indicator-value">
                      <code>{r.value}</code>
                    </th>
                    <td>{r.type ? <code>{r.type}</code> : <span className="muted">Not recognised</span>}</td>
                    <td className="num">{r.matches.length}</td>
                    <td>
                      <Matches matches={r.matches} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
    </section>
  );
}
