import type { MenuItemModel } from './menu-model.ts';

function sameItem(a: MenuItemModel, b: MenuItemModel): boolean {
  return (
    a.id === b.id &&
    a.label === b.label &&
    a.type === b.type &&
    (a.enabled ?? true) === (b.enabled ?? true) &&
    (a.checked ?? false) === (b.checked ?? false) &&
    !menusDiffer(a.submenu ?? [], b.submenu ?? [])
  );
}

/**
 * Whether two menus would look or act differently. Linux shows a changed menu only after
 * `setContextMenu`, so the app sets the menu again on every change, and only then.
 */
export function menusDiffer(
  a: readonly MenuItemModel[] | null,
  b: readonly MenuItemModel[] | null,
): boolean {
  if (a === null || b === null) return a !== b;
  if (a.length !== b.length) return true;
  return a.some((item, i) => !sameItem(item, b[i] as MenuItemModel));
}
