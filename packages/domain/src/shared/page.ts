/** One page of a list ordered by id descending; `nextCursor` is the last id shown. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Build a page from `limit + 1` fetched rows. */
export function pageOf<T extends { id: string }>(rows: T[], limit: number): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? last.id : null };
}
