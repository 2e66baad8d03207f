/** A menu as plain data: what Electron's `Menu.buildFromTemplate` needs, without Electron. */
export interface MenuItemModel {
  /** Unique in the menu; for items that do something, `actionOf(id)` tells what. */
  id: string;
  label: string;
  type: 'normal' | 'separator' | 'checkbox' | 'submenu';
  /** Absent means enabled. */
  enabled?: boolean;
  /** Checkboxes only; absent means unchecked. */
  checked?: boolean;
  submenu?: MenuItemModel[];
}
