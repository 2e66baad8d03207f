import type { Paged } from './use-paged.ts';

/** The "Load more" button under a list loaded a page at a time; nothing once all of it is shown. */
export function LoadMore({
  list,
}: {
  list: Pick<Paged<unknown>, 'more' | 'loadingMore' | 'loadMore'>;
}) {
  if (!list.more) return null;
  return (
    <div className="ls-more">
      <button type="button" onClick={list.loadMore} disabled={list.loadingMore}>
        {list.loadingMore ? 'Loading…' : 'Load more'}
      </button>
    </div>
  );
}
