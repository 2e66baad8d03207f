/**
 * Where alerts go nowhere, as the running config of each source says: channels that cannot send
 * (an unset variable in alerts.yaml, say) with the rules that lose them, and rules left with no
 * channel that can send. The same config usually serves every source: each problem is listed
 * once, with the sources it is found in.
 */
import type { AlertsView } from '../../../../shared/api.ts';

export interface InactiveChannel {
  channel: string;
  why: string;
  rules: string[];
  sources: string[];
}

export interface SilentRule {
  rule: string;
  sources: string[];
}

export function alertRouting(alerts: Readonly<Record<string, AlertsView>>): {
  inactive: InactiveChannel[];
  silentRules: SilentRule[];
} {
  const inactive = new Map<string, InactiveChannel>();
  const silent = new Map<string, SilentRule>();
  for (const [source, view] of Object.entries(alerts)) {
    for (const channel of view.inactive_channels) {
      const key = `${channel.channel}\u0000${channel.why}`;
      const found = inactive.get(key);
      if (found) {
        found.sources.push(source);
        for (const rule of channel.rules) if (!found.rules.includes(rule)) found.rules.push(rule);
      } else {
        inactive.set(key, { ...channel, rules: [...channel.rules], sources: [source] });
      }
    }
    for (const rule of view.rules_without_channel) {
      const found = silent.get(rule);
      if (found) found.sources.push(source);
      else silent.set(rule, { rule, sources: [source] });
    }
  }
  return { inactive: [...inactive.values()], silentRules: [...silent.values()] };
}

/** "in prod and staging", or nothing when every source has it. */
export function sourcesText(sources: readonly string[], all: number): string {
  const unique = [...new Set(sources)];
  if (all <= 1 || unique.length >= all) return '';
  const names = unique.map((name) => `“${name}”`);
  return ` (in ${names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`})`;
}
