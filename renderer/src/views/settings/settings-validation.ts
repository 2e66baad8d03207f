/**
 * The form checked with the same schema the store saves with (shared/settings.ts), each problem
 * put on the field it is about; and the problems `saveSettings` names in its error, put on
 * fields the same way.
 */
import type { RequestParams, TestResult } from '../../../../shared/api.ts';
import {
  checkSettings,
  formatSettingsPath,
  settingsChannelSchema,
  type SettingsIssue,
} from '../../../../shared/settings.ts';
import { fieldKey, type FieldKey } from './field-keys.ts';
import { durationMessage } from './form-values.ts';
import {
  buildChannel,
  buildSettings,
  keptSecretProblem,
  keptSecrets,
  type FieldErrors,
} from './build-settings.ts';
import {
  ARCHIVE_NUMBERS,
  MONITOR_KEYS,
  rootLines,
  type ChannelForm,
  type SettingsForm,
} from './settings-form.ts';

type Path = readonly PropertyKey[];

export interface Validation {
  /** What `saveSettings` would be sent. */
  value: Record<string, unknown>;
  /** Every problem that belongs to a field. */
  errors: FieldErrors;
  /** Problems that belong to no field on the page, as `path: message`. */
  general: string[];
  /**
   * Fields whose problem shows before they are typed in: a kept secret that a rename elsewhere
   * made impossible to keep.
   */
  eager: Set<FieldKey>;
}

function channelOf(form: SettingsForm, name: unknown): ChannelForm | undefined {
  return typeof name === 'string'
    ? form.channels.find((channel) => channel.name.trim() === name)
    : undefined;
}

/**
 * The field a problem at `path` of the settings is about, or null when none on the form is.
 * With `key`, the problem is the name at the end of the path (a channel's, a header's).
 */
export function issueField(path: Path, form: SettingsForm, key = false): FieldKey | null {
  const [section, a, b, c] = path;
  switch (section) {
    case 'sources': {
      if (typeof a !== 'number') return fieldKey.sources;
      const row = form.sources[a];
      if (!row) return fieldKey.sources;
      return fieldKey.source(row.id, b === 'db' ? 'db' : b === 'schema' ? 'schema' : 'name');
    }
    case 'monitor': {
      if (a === 'pipelines') {
        const row = typeof b === 'number' ? form.overrides[b] : undefined;
        if (!row) return null;
        return fieldKey.override(
          row.id,
          c === 'stall_after' || c === 'max_duration' ? c : 'pattern',
        );
      }
      return MONITOR_KEYS.some((key) => key === a) ? fieldKey.monitor(a as string) : null;
    }
    case 'archive':
      return a === 'enabled' || a === 'artifact_roots' || ARCHIVE_NUMBERS.some((key) => key === a)
        ? fieldKey.archive(a as string)
        : null;
    case 'alerts_config':
      return fieldKey.alertsConfig;
    case 'quiet_hours':
      return a === 'from' || a === 'to' || a === 'channels' || a === 'except'
        ? fieldKey.quiet(a)
        : fieldKey.quiet('from');
    case 'start_at_login':
      return fieldKey.startAtLogin;
    case 'channels': {
      const channel = channelOf(form, a);
      if (!channel) return null;
      if (b === undefined) return fieldKey.channel(channel.id, key ? 'name' : 'type');
      if (b === 'headers') {
        const header =
          typeof c === 'string' ? channel.headers.find((row) => row.name.trim() === c) : undefined;
        return header
          ? fieldKey.header(channel.id, header.id, key ? 'name' : 'value')
          : fieldKey.channel(channel.id, 'headers');
      }
      return fieldKey.channel(channel.id, String(b));
    }
    default:
      return null;
  }
}

/** A schema message as the field it is shown under says it. */
function fieldMessage(path: Path, message: string, form: SettingsForm): string {
  if (path[0] === 'monitor') return durationMessage(message);
  if (path[0] === 'archive' && path[1] === 'artifact_roots' && typeof path[2] === 'number') {
    return `${rootLines(form.archive.artifact_roots)[path[2]] ?? 'a folder'}: ${message}`;
  }
  if (path[0] === 'sources') {
    if (/^sources\[\d+\] has the same name$/.test(message)) return 'another source has this name';
    const inCase = /^differs from sources\[\d+\]\.name (".*") only in case/.exec(message);
    if (inCase) {
      return `differs from ${inCase[1]} only in case: the two would share a folder`;
    }
  }
  return message;
}

/** Puts each problem on its field (the first one a field has wins); the rest are general. */
export function placeIssues(
  issues: readonly SettingsIssue[],
  form: SettingsForm,
  errors: FieldErrors,
  general: string[],
): void {
  for (const issue of issues) {
    const key = issueField(issue.path, form, issue.key === true);
    if (key === null) {
      const where = formatSettingsPath(issue.path);
      general.push(where ? `${where}: ${issue.message}` : issue.message);
    } else if (!errors.has(key)) {
      errors.set(key, fieldMessage(issue.path, issue.message, form));
    }
  }
}

/** Every problem with the form, as the store would find it on save, by field. */
export function validateForm(form: SettingsForm): Validation {
  const { value, errors } = buildSettings(form);
  const general: string[] = [];
  const eager = new Set<FieldKey>();
  const checked = checkSettings(value);
  if (!checked.ok) placeIssues(checked.issues, form, errors, general);
  // A kept secret is not checked here (the window never has it): it is fine where it can be
  // kept, and must be entered again where it cannot.
  for (const channel of form.channels) {
    const problem = keptSecretProblem(channel);
    for (const kept of keptSecrets(channel)) {
      const header = channel.headers.find((row) => row.id === kept.headerId);
      const headerRenamed = header !== undefined && header.name.trim() !== header.savedName;
      if (problem !== null) {
        errors.set(kept.key, problem);
        eager.add(kept.key);
      } else if (headerRenamed) {
        errors.set(
          kept.key,
          `the saved value stays with the header “${header.savedName}”: enter it again`,
        );
        eager.add(kept.key);
      } else errors.delete(kept.key);
    }
  }
  return { value, errors, general, eager };
}

/** Whether a field of this channel has a problem. */
export function channelHasErrors(channel: ChannelForm, errors: FieldErrors): boolean {
  const prefixes = [`channel.${channel.id}.`, `header.${channel.id}.`];
  return [...errors.keys()].some((key) => prefixes.some((prefix) => key.startsWith(prefix)));
}

/** What `testChannel` is sent for a channel of the form. */
export type ChannelTestRequest = RequestParams<'testChannel'>;

const FIX_FIELDS = 'Fix the fields marked above to send a test.';

/** Whether `path` is at or inside `prefix`. */
function within(path: Path, prefix: readonly string[]): boolean {
  return prefix.every((part, index) => path[index] === part);
}

/**
 * The channel as `testChannel` takes it, checked with the channel schema; or why it cannot be
 * tested yet. A saved channel goes with its saved name, so the secrets it still keeps are the
 * saved ones; once renamed (or a header with a kept value is), they must be entered again.
 */
export function channelTest(
  channel: ChannelForm,
): { ready: true; request: ChannelTestRequest } | { ready: false; why: string } {
  const errors: FieldErrors = new Map();
  const built = buildChannel(channel, errors);
  if (errors.size > 0) return { ready: false, why: FIX_FIELDS };
  const kept = keptSecrets(channel);
  if (kept.length > 0) {
    const labels = joinWords(kept.map((secret) => secret.label));
    if (keptSecretProblem(channel) !== null) {
      return {
        ready: false,
        why:
          channel.savedName !== null && channel.name !== channel.savedName
            ? `To send a test, enter ${labels} again, or change the name back to “${channel.savedName}”: a saved secret stays with the name it was saved under.`
            : `To send a test, enter ${labels} again.`,
      };
    }
    const renamed = channel.headers.filter(
      (header) => header.value.kept && header.name.trim() !== header.savedName,
    );
    if (renamed.length > 0) {
      return {
        ready: false,
        why: `To send a test, enter ${joinWords(renamed.map((header) => `the ${header.name.trim() || 'header'} header`))} again: a saved value stays with the header it was saved under.`,
      };
    }
  }
  // A kept secret reads `SECRET_KEPT` here: the schema judges it once the saved one is filled in.
  const parsed = settingsChannelSchema.safeParse(built);
  const problems = parsed.success
    ? []
    : parsed.error.issues.filter(
        (issue) => !kept.some((secret) => within(issue.path, secret.path)),
      );
  if (problems.length > 0) return { ready: false, why: FIX_FIELDS };
  const input = built as ChannelTestRequest['channel'];
  const { savedName } = channel;
  return {
    ready: true,
    request:
      savedName !== null && channel.name === savedName
        ? { name: savedName, channel: input }
        : { channel: input },
  };
}

function joinWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words.at(-1) ?? ''}`;
}

/** What a test met, in a line: "Sent — HTTP 200 in 14 ms", "Failed: …". */
export function testResultText(result: TestResult): string {
  if (result.ok) {
    return result.status === null
      ? `Sent in ${result.latency_ms} ms`
      : `Sent — HTTP ${result.status} in ${result.latency_ms} ms`;
  }
  const why = result.error ?? (result.status === null ? 'no answer' : `HTTP ${result.status}`);
  return `Failed: ${why}`;
}

const TOP_KEYS = new Set([
  'sources',
  'monitor',
  'archive',
  'alerts_config',
  'quiet_hours',
  'start_at_login',
  'channels',
  'version',
]);

const SEGMENT = /\.([A-Za-z_][\w-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;

/**
 * A path as `formatSettingsPath` writes it (`sources[1].name`, `channels["a b"].url`) read back
 * into its parts, with the message after it; null when `text` does not start with one.
 */
export function parseIssue(text: string): SettingsIssue | null {
  const first = /^(?:([A-Za-z_][\w-]*)|\[("(?:[^"\\]|\\.)*")\])/.exec(text);
  if (!first) return null;
  const path: PropertyKey[] = [first[1] ?? (JSON.parse(first[2] as string) as string)];
  if (!TOP_KEYS.has(String(path[0]))) return null;
  SEGMENT.lastIndex = first[0].length;
  for (;;) {
    const at = SEGMENT.lastIndex;
    const match = SEGMENT.exec(text);
    if (!match || match.index !== at) {
      SEGMENT.lastIndex = at;
      break;
    }
    if (match[1] !== undefined) path.push(match[1]);
    else if (match[2] !== undefined) path.push(Number(match[2]));
    else path.push(JSON.parse(match[3] as string) as string);
  }
  const rest = text.slice(SEGMENT.lastIndex);
  if (!rest.startsWith(': ')) return null;
  return { path, message: rest.slice(2) };
}

/**
 * The problems named by a failed `saveSettings` ("saveSettings: sources[1].name: …; channels.x.url:
 * …"), each with its path; what names no field is kept as text.
 */
export function parseSaveError(message: string): { issues: SettingsIssue[]; other: string[] } {
  const body = message.replace(/^saveSettings: /, '');
  const found: { path: PropertyKey[]; parts: string[] }[] = [];
  const other: string[] = [];
  for (const part of body.split('; ')) {
    const issue = parseIssue(part);
    const last = found.at(-1);
    if (issue) found.push({ path: issue.path, parts: [issue.message] });
    // A part without a path belongs to the message before it ("required; one of …").
    else if (last) last.parts.push(part);
    else other.push(part);
  }
  return {
    issues: found.map(({ path, parts }) => ({ path, message: parts.join('; ') })),
    other,
  };
}
