// Sidebar sections by the local calendar day of the last activity, as the
// chat products people know group them.
export const GROUPS = ['Today', 'Yesterday', 'Previous 7 days', 'Older'] as const;
export type Group = (typeof GROUPS)[number];

function startOfDay(date: Date): number {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}

export function groupOf(updatedAt: Date, now: Date): Group {
  const today = startOfDay(now);
  const day = startOfDay(updatedAt);
  if (day >= today) return 'Today';
  // Calendar days, not 24-hour spans: a DST change makes one day 23 or 25 hours long.
  const yesterday = startOfDay(new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1));
  if (day >= yesterday) return 'Yesterday';
  const weekAgo = startOfDay(new Date(now.getFullYear(), now.getMonth(), now.getDate() - 7));
  if (day >= weekAgo) return 'Previous 7 days';
  return 'Older';
}

/** Items in their sections, in GROUPS order, keeping each item's order; empty sections left out. */
export function groupByDay<T>(
  items: readonly T[],
  dateOf: (item: T) => Date,
  now: Date,
): { group: Group; items: T[] }[] {
  const sections = new Map<Group, T[]>(GROUPS.map((group) => [group, []]));
  for (const item of items) sections.get(groupOf(dateOf(item), now))?.push(item);
  return GROUPS.flatMap((group) => {
    const members = sections.get(group) ?? [];
    return members.length > 0 ? [{ group, items: members }] : [];
  });
}
