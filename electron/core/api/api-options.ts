import type { Results, Snapshot } from '../../../shared/api.ts';
import type { Settings } from '../../../shared/settings.ts';
import type { ChannelDeps } from '../alerts/channels/channel-factory.ts';
import type { Logger } from '../log.ts';
import type { SecretProtection } from '../settings/secret-cipher.ts';
import type { SettingsStore } from '../settings/settings-store.ts';
import type { Clock } from '../time/clock.ts';
import type { ApiSource } from './source-views.ts';

/** What only the shell can do with a run's files: the app opens them, `serve` offers downloads. */
export interface RunFiles {
  /** Null where there is no desktop to open a folder on (`serve`). */
  openFolder: ((folder: string) => Promise<boolean>) | null;
  showFile: (file: string) => Promise<Results['showRunFile']>;
  /** The desktop's file dialog for a database; absent where there is none (`serve`). */
  chooseDatabase?: () => Promise<string | null>;
}

export interface ApiServiceOptions {
  sources: readonly ApiSource[];
  transport: Snapshot['transport'];
  files: RunFiles;
  clock: Clock;
  log: Logger;
  /** The settings window's settings; none where there is nothing to edit. */
  settings?: SettingsAccess;
  /** What channels need to send here: the tests of `testChannel` go through them. */
  channels: ChannelDeps;
  /** Until when desktop notifications are paused (the app's tray), or null. */
  notificationsPausedUntil?: () => number | null;
  /** Changes are gathered for this long and pushed as one patch. */
  patchEveryMs?: number;
}

export interface SettingsAccess {
  store: Pick<SettingsStore, 'load' | 'save'> & { readonly protection: SecretProtection };
  /** `serve` watches the one source it was started with. */
  sourcesReadOnly: boolean;
  /** Puts saved settings into effect where they can be now (channels, quiet hours). */
  applied: (settings: Settings) => Promise<void> | void;
  /** The sections `applied` puts into effect at once; the others wait for the next start. */
  appliesAtOnce: readonly (keyof Settings)[];
}
