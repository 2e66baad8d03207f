import type { ChannelSender } from '../alerts/channels/channel.ts';
import { makeRedactor } from '../alerts/redact.ts';
import { sendTestAlert } from '../alerts/test-alert.ts';
import { DEFAULT_CONFIG_FILE, loadConfigFile } from '../alerts/config-file.ts';
import { didYouMean } from '../config/did-you-mean.ts';
import { activeAlerts } from './active-alerts.ts';
import { EXIT_INPUT, EXIT_OK, InputError } from './cli-errors.ts';

export interface TestAlertOptions {
  config?: string;
  channel?: string;
}

/**
 * `runwatch test-alert`: one test message to each active channel (or the one named), sent now
 * and directly, not through a state.db outbox, so it works with no watch running. A test ignores
 * `min_severity` and quiet hours: it checks the path, not the routing (`runwatch route` does).
 */
export async function testAlertCommand(options: TestAlertOptions): Promise<number> {
  const config = loadConfigFile(options.config ?? DEFAULT_CONFIG_FILE);
  const { alerts, senders } = activeAlerts(config);
  const redact = makeRedactor(alerts.secrets);
  const names = [...alerts.channels.keys()];
  let targets: { name: string; sender: ChannelSender }[];
  if (options.channel !== undefined) {
    const entry = alerts.channels.get(options.channel);
    if (!entry) {
      const guess = didYouMean(options.channel, names);
      throw new InputError(
        `no channel ${JSON.stringify(options.channel)} in ${config.file}${guess ? ` (did you mean ${guess}?)` : names.length ? ` (channels: ${names.join(', ')})` : ''}`,
      );
    }
    const sender = senders.get(entry.name);
    if (entry.inactive !== null || !sender) {
      throw new InputError(`channel ${entry.name} is inactive: ${entry.inactive ?? 'no sender'}`);
    }
    targets = [{ name: entry.name, sender }];
  } else {
    targets = [...senders].map(([name, sender]) => ({ name, sender }));
    if (targets.length === 0) {
      const why = [...alerts.channels.values()].map((c) => `${c.name}: ${c.inactive ?? ''}`);
      throw new InputError(
        `no channel in ${config.file} is active${why.length ? ` (${why.join('; ')})` : ''}`,
      );
    }
  }

  const width = Math.max(...targets.map(({ name }) => name.length));
  const results = await Promise.all(
    targets.map(async ({ name, sender }) => ({ name, ...(await sendTestAlert(name, sender)) })),
  );

  const lines = results.map(({ name, result, latencyMs }) => {
    const label = name.padEnd(width);
    const took = ` in ${latencyMs}ms`;
    if (result.ok) {
      return `${label}  ok${took}${result.status !== undefined ? ` (HTTP ${result.status})` : ''}`;
    }
    return `${label}  FAILED${took}: ${result.error}`;
  });
  process.stdout.write(`${redact(lines.join('\n'))}\n`);
  return results.every(({ result }) => result.ok) ? EXIT_OK : EXIT_INPUT;
}
