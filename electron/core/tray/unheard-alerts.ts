import type { SourceView } from './source-view.ts';

/** Sources none of whose channels can send: every alert they fire reaches nobody. */
export function unheardSources(sources: readonly SourceView[]): SourceView[] {
  return sources.filter((source) => !source.alerts.channelActive);
}

/**
 * What a source's alerts came to, said plainly: `5 alerts fired, 0 delivered: no active
 * channel`, with the source's name first when there are several.
 */
export function unheardText(source: SourceView, named: boolean): string {
  const { fired, delivered } = source.alerts;
  const text = `${fired} alert${fired === 1 ? '' : 's'} fired, ${delivered} delivered: no active channel`;
  return named ? `${source.name}: ${text}` : text;
}
