import type { AttentionItem } from '../../../shared/attention.ts';
import type { ActiveRunStatus } from '../../../shared/run-status.ts';

/** What the app knows of one watched source: all the tray is drawn from. */
export interface SourceView {
  name: string;
  /** False while the source is down (`source_down` until `source_up`). */
  reachable: boolean;
  runs: readonly ActiveRunStatus[];
  /** Not acknowledged: acknowledged items are no longer in this list. */
  attention: readonly AttentionItem[];
  /** Whether alerts reach anyone: fired and delivered since the start, and any channel active. */
  alerts: { fired: number; delivered: number; channelActive: boolean };
}
