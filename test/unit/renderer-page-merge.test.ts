import { describe, expect, it } from 'vitest';
import { MAX_PAGE, mergePage, reloadLimit } from '../../renderer/src/format/page-merge.ts';

const key = (item: { id: string }) => item.id;

describe('mergePage', () => {
  it('appends the next page after what is shown', () => {
    expect(mergePage([{ id: 'a' }, { id: 'b' }], [{ id: 'c' }], key)).toEqual([
      { id: 'a' },
      { id: 'b' },
      { id: 'c' },
    ]);
  });

  it('does not repeat an item already shown, and keeps its newer form in place', () => {
    const merged = mergePage(
      [
        { id: 'a', v: 1 },
        { id: 'b', v: 1 },
      ],
      [
        { id: 'b', v: 2 },
        { id: 'c', v: 1 },
      ],
      key,
    );
    expect(merged).toEqual([
      { id: 'a', v: 1 },
      { id: 'b', v: 2 },
      { id: 'c', v: 1 },
    ]);
  });

  it('handles empty sides', () => {
    expect(mergePage([], [{ id: 'a' }], key)).toEqual([{ id: 'a' }]);
    expect(mergePage([{ id: 'a' }], [], key)).toEqual([{ id: 'a' }]);
  });
});

describe('reloadLimit', () => {
  it('asks for at least a page, as many as are shown, and no more than the API gives', () => {
    expect(reloadLimit(0, 50)).toBe(50);
    expect(reloadLimit(20, 50)).toBe(50);
    expect(reloadLimit(150, 50)).toBe(150);
    expect(reloadLimit(2_000, 50)).toBe(MAX_PAGE);
  });
});
