import type { Paged } from '../hooks.ts';

export function LoadMore<T>({ list }: { list: Paged<T> }) {
  if (!list.nextCursor) return null;
  return (
    <p className="load-more">
      <button type="button" className="button-secondary" onClick={list.loadMore} disabled={list.loading}>
        {list.loading ? 'Loading…' : 'Load more'}
      </button>
    </p>
  );
}
