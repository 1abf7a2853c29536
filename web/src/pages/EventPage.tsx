// One event: handling markings, who else saw its values, and its indicators.
import { Fragment, useState } from 'react';
import { api, type ApiError, type IntelEvent } from '../api.ts';
import { useUser } from '../auth.tsx';
import { ErrorAlert, Loading, Notice } from '../components/Alert.tsx';
import { CountryLabel, useCountries } from '../components/Country.tsx';
import { formatDate, label } from '../components/format.ts';
import { distributionLabel, PapBadge, TagList, TlpBadge, WarningFlag } from '../components/Handling.tsx';
import { ListFooter } from '../components/ListFooter.tsx';
import { asApiError, useLoad, usePaged } from '../hooks.ts';
import { canEditEvent } from '../permissions.ts';
import { Link, navigate } from '../router.tsx';

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

function Correlations({ eventId }: { eventId: string }) {
  const { data, error, loading } = useLoad(() => api.eventCorrelations(eventId), [eventId]);
  return (
    <section className="card" aria-labelledby="correlations-title">
      <h2 id="correlations-title">Correlations</h2>
      <ErrorAlert error={error} />
      {loading ? <Loading /> : null}
      {data ? (
        <>
          <p>
            <strong>
              Seen by {plural(data.teams, 'team', 'teams')} in {plural(data.countries, 'country', 'countries')}
            </strong>
          </p>
          {data.events.length ? (
            <ul className="related-events">
              {data.events.map((e) => (
                <li key={e.eventId}>
                  <Link to={`/events/${encodeURIComponent(e.eventId)}`}>{e.info}</Link>{' '}
                  <span className="muted">
                    — {e.orgName}
                    {e.country ? ` (${e.country})` : ''}, {plural(e.sharedValues, 'shared value', 'shared values')}
                  </span>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">No other event you can see shares a value with this one.</p>
          )}
        </>
      ) : null}
    </section>
  );
}

function Indicators({ eventId }: { eventId: string }) {
  const list = usePaged((cursor) => api.eventIndicators(eventId, { cursor }), [eventId]);
  return (
    <section aria-labelledby="indicators-title">
      <h2 id="indicators-title">Indicators</h2>
      <ErrorAlert error={list.error} />
      <div className="table-wrap">
        <table className="indicators">
          <caption className="visually-hidden">Indicators of this event</caption>
          <thead>
            <tr>
              <th scope="col">Type</th>
              <th scope="col">Value</th>
              <th scope="col">Category</th>
              <th scope="col">To IDS</th>
              <th scope="col">TLP</th>
              <th scope="col">Warning</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((ind, i) => {
              const prev = list.items[i - 1];
              const startsObject = ind.objectId !== null && ind.objectId !== prev?.objectId;
              return (
                <Fragment key={ind.id}>
                  {startsObject ? (
                    <tr className="object-row">
                      <th scope="rowgroup" colSpan={6}>
                        Object: {ind.objectName ?? 'unnamed'}
                      </th>
                    </tr>
                  ) : null}
                  <tr className={[ind.objectId ? 'in-object' : '', ind.warning ? 'row-warning' : ''].filter(Boolean).join(' ') || undefined}>
                    <td>
                      <code>{ind.type}</code>
                      {ind.objectRelation ? <div className="muted small">{ind.objectRelation}</div> : null}
                    </td>
                    <td className="indicator-value">
                      <code>{ind.value}</code>
                      {ind.comment ? <div className="muted small">{ind.comment}</div> : null}
                    </td>
                    <td>{ind.category}</td>
                    <td>{ind.toIds ? 'Yes' : 'No'}</td>
                    <td>
                      <TlpBadge tlp={ind.tlp} />
                    </td>
                    <td>{ind.warning ? <WarningFlag lists={ind.warning} /> : <span className="muted">—</span>}</td>
                  </tr>
                </Fragment>
              );
            })}
          </tbody>
        </table>
      </div>
      <ListFooter list={list} empty="This event has no indicators." />
    </section>
  );
}

function OwnerActions({ event, onPublished }: { event: IntelEvent; onPublished(e: IntelEvent): void }) {
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const run = async (action: () => Promise<void>): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };
  const publish = (): Promise<void> => run(async () => onPublished(await api.publishEvent(event.id)));
  const remove = (): Promise<void> =>
    run(async () => {
      await api.deleteEvent(event.id);
      navigate('/events');
    });

  return (
    <div className="owner-actions">
      <ErrorAlert error={error} />
      <div className="actions">
        {!event.published ? (
          <button type="button" onClick={() => void publish()} disabled={busy}>
            Publish
          </button>
        ) : null}
        {confirming ? (
          <span className="inline" role="group" aria-label="Confirm deletion">
            <span>Delete this event for every team that received it?</span>
            <button type="button" className="button-danger" onClick={() => void remove()} disabled={busy}>
              Confirm delete
            </button>
            <button type="button" className="button-secondary" onClick={() => setConfirming(false)} disabled={busy}>
              Cancel
            </button>
          </span>
        ) : (
          <button type="button" className="button-danger" onClick={() => setConfirming(true)} disabled={busy}>
            Delete
          </button>
        )}
      </div>
    </div>
  );
}

export function EventPage({ id }: { id: string }) {
  const user = useUser();
  const countryList = useCountries();
  const { data: event, error, loading, setData } = useLoad(() => api.event(id), [id]);
  const [published, setPublished] = useState(false);

  if (error) {
    return (
      <section>
        <h1>Event</h1>
        <ErrorAlert error={error} />
        <p>
          <Link to="/events">Back to intelligence</Link>
        </p>
      </section>
    );
  }
  if (loading || !event) {
    return (
      <section>
        <h1>Event</h1>
        <Loading />
      </section>
    );
  }
  return (
    <article>
      <p className="breadcrumb">
        <Link to="/events">Intelligence</Link> / Event
      </p>
      <div className="title-row">
        <h1 className="wrap-anywhere">{event.info}</h1>
        <span className="inline">
          <TlpBadge tlp={event.tlp} />
          <PapBadge pap={event.pap} />
          <span className={`badge ${event.published ? 'badge-published' : 'badge-draft'}`}>{event.published ? 'Published' : 'Draft'}</span>
        </span>
      </div>
      {published ? <Notice>The event is published.</Notice> : null}
      {canEditEvent(user, event.ownerOrgId) ? (
        <OwnerActions
          event={event}
          onPublished={(e) => {
            setData(e);
            setPublished(true);
          }}
        />
      ) : null}
      <dl className="facts">
        <dt>Team</dt>
        <dd>
          {event.ownerOrgName} <CountryLabel code={event.ownerCountry} list={countryList} long />
        </dd>
        <dt>Date</dt>
        <dd>{event.date}</dd>
        <dt>Distribution</dt>
        <dd>{distributionLabel(event.distribution)}</dd>
        <dt>Threat level</dt>
        <dd>{label(event.threatLevel)}</dd>
        <dt>Analysis</dt>
        <dd>{label(event.analysis)}</dd>
        <dt>Tags</dt>
        <dd>
          <TagList tags={event.tags} />
        </dd>
        <dt>Origin node</dt>
        <dd>{event.originNode}</dd>
        <dt>Published</dt>
        <dd>{event.published ? formatDate(event.publishedAt) : 'Not yet (draft)'}</dd>
        <dt>Last modified</dt>
        <dd>{formatDate(event.modified)}</dd>
      </dl>
      <Correlations eventId={event.id} />
      <Indicators eventId={event.id} />
    </article>
  );
}
