/**
 * What each key of the config file means (ARCHITECTURE.md §7), shown by editors from
 * `config/alerts.schema.json`. Keyed by the key's JSON pointer in the file, `*` standing for any
 * name or index. Every key the schema knows needs an entry, and every entry a key.
 */
export const CONFIG_KEY_DOCS: Readonly<Record<string, string>> = {
  '/channels':
    'Where alerts go, by name. A channel whose ${VAR} is unset is inactive (listed at startup and by `runwatch check-config`), not an error.',
  '/channels/*/type':
    'desktop (OS notifications), slack (an incoming webhook), email (SMTP) or webhook (a JSON POST).',
  '/channels/*/min_severity':
    'Lower severities skip this channel (info < warning < error < critical). Default: info.',
  '/channels/*/rate_limit':
    'At most this many messages per minute; the overflow goes out as one digest. Default: 20.',
  '/channels/*/webhook_url':
    'The Slack incoming webhook URL, e.g. ${SLACK_WEBHOOK_URL}. Its path is a secret: Runwatch never logs it.',
  '/channels/*/host': 'The SMTP server, e.g. ${SMTP_HOST}.',
  '/channels/*/port':
    'The SMTP port: 465 is implicit TLS, any other upgrades with STARTTLS. A number or a ${VAR}. Default: 587.',
  '/channels/*/user': 'The SMTP user name; empty for no login. Default: empty.',
  '/channels/*/password':
    'The SMTP password; give it as ${SMTP_PASSWORD} rather than writing it here. Default: empty.',
  '/channels/*/from': 'The sender address, e.g. ${ALERT_EMAIL_FROM}.',
  '/channels/*/to': 'The recipient address, or a list of them, e.g. ${ALERT_EMAIL_TO}.',
  '/channels/*/url':
    'Where the JSON body is POSTed (http:// or https://), e.g. ${OPS_WEBHOOK_URL}. A secret in its path or query is never logged.',
  '/channels/*/headers': 'Extra HTTP headers sent with each request, e.g. Authorization.',
  '/channels/*/secret':
    'Signs the body: each request carries X-Runwatch-Signature: sha256=<hex HMAC-SHA256 of the body>. Default: no signature.',
  '/rules':
    'Rules in order: the first that matches an event wins, unless it says continue: true. Rules never match alert_sent or alert_failed.',
  '/rules/*/name': 'A unique name; {rule} in dedup_key templates.',
  '/rules/*/match':
    'Event fields to match, all of them: an exact value, a list (any of), { regex: … } (matching the whole value) or { not: … }. {} matches every event.',
  '/rules/*/severity': 'info, warning, error or critical.',
  '/rules/*/channels': 'The channels to tell, by name.',
  '/rules/*/continue':
    'Keep matching later rules after this one; otherwise the first match wins. Default: false.',
  '/rules/*/throttle':
    'Identical re-firings of one dedup key within this collapse into the first. Default: defaults.throttle.',
  '/rules/*/dedup_key':
    'A template over event fields naming one alert, e.g. "{rule}:{run_id}"; missing fields render empty. Default: defaults.dedup_key.',
  '/rules/*/repeat_every':
    'Repeat a firing condition (run_stalled, run_overdue, source_down) this long after its last delivery. Default: no repeats.',
  '/rules/*/send_resolved':
    'Deliver a resolved notice when the condition ends. Default: defaults.send_resolved.',
  '/defaults': 'Defaults for every rule.',
  '/defaults/throttle':
    'Identical re-firings of one dedup key within this collapse into the first. Default: 5m.',
  '/defaults/dedup_key':
    'A template over event fields naming one alert; missing fields render empty. Default: "{rule}:{run_id}".',
  '/defaults/group_window':
    'Leading-edge grouping per channel: the first alert goes at once, the ones in the next window fold into one follow-up. Default: 10s.',
  '/defaults/send_resolved': 'Deliver resolved notices of conditions. Default: true.',
  '/defaults/retry': 'How failed deliveries are retried, with jitter.',
  '/defaults/retry/first': 'The wait before the first retry. Default: 10s.',
  '/defaults/retry/factor': 'Each wait is this many times the one before (1 to 10). Default: 2.',
  '/defaults/retry/max': 'The longest wait between retries. Default: 10m.',
  '/defaults/max_age': 'A delivery still not made after this expires. Default: 24h.',
  '/quiet_hours':
    'Hold deliveries in these local hours; alerts still firing when they end are sent once. Default: none.',
  '/quiet_hours/from': 'Local start time, like "22:00".',
  '/quiet_hours/to': 'Local end time, like "07:00"; before from means the next day.',
  '/quiet_hours/channels': 'Only these channels are held. Default: every channel.',
  '/quiet_hours/except': 'This severity and above are never held, e.g. critical.',
  '/silences':
    'Hold deliveries of matching events until a time; more can be added from the UI (kept in state.db).',
  '/silences/*/match': 'Event fields to match, as in a rule.',
  '/silences/*/until':
    'When the silence ends: "2026-12-01T09:00" (local) or "2026-12-01T08:00Z" (UTC).',
  '/silences/*/comment': 'Why, for whoever reads it later.',
  '/heartbeat': 'A URL requested regularly while Runwatch is healthy, for a dead man’s switch.',
  '/heartbeat/url': 'The URL to request (http:// or https://), e.g. ${HEARTBEAT_URL}.',
  '/heartbeat/every': 'How often. Default: 5m.',
  '/monitor': 'Global monitoring settings; command-line flags and the settings window beat them.',
  '/monitor/stall_after':
    'A running run idle this long is stalled. Per pipeline under pipelines. Default: 30m.',
  '/monitor/source_grace':
    'The database may be unreadable this long before source_down. Default: 60s.',
  '/monitor/settle':
    'How long a run whose steps are all done waits for more steps before it finishes. Default: 0s.',
  '/monitor/stale_after':
    'On a first start, running runs idle longer than this are recorded as stale, without an alert. Default: 24h.',
  '/monitor/max_alert_age':
    'Events detected later than this after they happened are late: alerted in one "while Runwatch was away" digest. Default: 6h.',
  '/monitor/keep_history':
    "How long state.db keeps history: events, finished runs (each pipeline's latest 30 stay however old) and alert deliveries. At least 1h. Default: 30d.",
  '/pipelines':
    'Per-pipeline overrides, keyed by a glob of pipeline names (*, ?, [a-z], [!a-z]); the first matching key in file order sets each value.',
  '/pipelines/*/stall_after': 'A running run of these pipelines idle this long is stalled.',
  '/pipelines/*/max_duration':
    'A run of these pipelines running longer than this is overdue (run_overdue). Default: off.',
};
