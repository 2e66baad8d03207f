import {
  CORE_SCHEMA,
  constructFromEvents,
  defineMappingTag,
  defineScalarTag,
  EVENT_ID,
  NOT_RESOLVED,
  parseEvents,
  type Event,
} from 'js-yaml';

/** The `yaml` package's core-schema floats, `1e400` (Infinity) included. */
const FLOAT = [
  /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
];
const SPECIAL_FLOAT = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;

const floatTag = defineScalarTag('tag:yaml.org,2002:float', {
  implicit: true,
  implicitFirstChars: ['-', '+', '.', ...'0123456789'],
  resolve: (source) => {
    if (FLOAT.some((pattern) => pattern.test(source))) return parseFloat(source);
    if (!SPECIAL_FLOAT.test(source)) return NOT_RESOLVED;
    if (source.slice(-3).toLowerCase() === 'nan') return NaN;
    return source.startsWith('-') ? -Infinity : Infinity;
  },
  identify: () => false,
});

/** A scalar key as the `yaml` package writes it into an object: null as '', others as text. */
function keyText(key: unknown): string | null {
  if (key === null) return '';
  return typeof key === 'object' ? null : String(key);
}

const mapTag = defineMappingTag<Record<string, unknown>>('tag:yaml.org,2002:map', {
  create: () => ({}),
  addPair: (carrier, key, value) => {
    const text = keyText(key);
    if (text === null) return 'a key that is a list or a mapping';
    if (text === '__proto__') {
      // Data like any other key, not the object's prototype.
      Object.defineProperty(carrier, text, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else carrier[text] = value;
    return '';
  },
  // Keys the `yaml` package tells apart (1 and "1", ~ and "") but an object cannot count as
  // one here: such a file is left to the full reading, which decides.
  has: (carrier, key) => {
    const text = keyText(key);
    return text !== null && Object.hasOwn(carrier, text);
  },
  keys: (result) => Object.keys(result),
  get: (result, key) => result[String(key)],
  identify: () => false,
});

const SCHEMA = CORE_SCHEMA.withTags(floatTag, mapTag);

/** What the full reading handles and this one leaves to it: tags, anchors and aliases. */
function needsFullReading(events: readonly Event[]): boolean {
  let documents = 0;
  for (const event of events) {
    switch (event.type) {
      case EVENT_ID.DOCUMENT:
        // A `%YAML 1.1` directive changes how scalars read.
        if (++documents > 1 || event.directives.length > 0) return true;
        break;
      case EVENT_ID.ALIAS:
        return true;
      case EVENT_ID.SCALAR:
      case EVENT_ID.SEQUENCE:
      case EVENT_ID.MAPPING:
        if (event.anchorStart !== -1 || event.tagStart !== -1) return true;
        break;
    }
  }
  return documents !== 1;
}

/**
 * A file's plain value read by js-yaml, many times faster than the `yaml` package that keeps
 * every position: null when the file is not one it reads exactly as `yaml` would (a tag, an
 * anchor, an alias, a directive, a key that is not a plain value) or that it refuses. A file
 * read here and valid needs no positions; anything else is read again in full to say where.
 */
export function fastDocumentValue(text: string): { value: unknown } | null {
  try {
    const events = parseEvents(text, {});
    // Without & or ! there is no anchor, tag or directive, and an alias would have failed.
    if (
      (text.includes('&') || text.includes('!') || text.includes('%')) &&
      needsFullReading(events)
    ) {
      return null;
    }
    const documents = constructFromEvents(events, { source: text, schema: SCHEMA });
    return documents.length === 1 ? { value: documents[0] } : null;
  } catch {
    return null;
  }
}
