import { Loading } from './Alert.tsx';
import type { Paged } from '../hooks.ts';

/** The foot of every paged list: a spinner for the first page, the empty message, "Load more". */
export function ListFooter<T>({ list, empty }: { list: Paged<T>; empty: string }) {
  return (
    <>
      {list.loading && list.items.length === 0 ? <Loading /> : null}
      {!list.loading && !list.error && list.items.length === 0 ? <p className="muted">{empty}</p> : null}
      {list.nextCursor ? (
        <p className="load-more">
          <button type="button" className="button-secondary" onClick={list.loadMore} disabled={list.loading}>
            {list.loading ? 'Loading…' : 'Load more'}
          </button>
        </p>
      ) : null}
    </>
  );
}
