import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { fastDocumentValue } from '../../electron/core/config/yaml-fast-value.ts';
import { documentValue } from '../../electron/core/config/yaml-values.ts';

/** The value as the full reading (the `yaml` package, positions kept) gives it. */
function fullValue(text: string): unknown {
  const doc = parseDocument(text, { uniqueKeys: true, logLevel: 'silent' });
  expect(doc.errors).toEqual([]);
  const read = documentValue(doc);
  if ('problems' in read) throw new Error(JSON.stringify(read.problems));
  return read.value;
}

const SAME = [
  'n: [1_000, 0b101, 0o17, 017, 0x1F, +12, -0, .5, 5., 1e3, 1E+3, 1e400, -1e400, 08, 0x, 0o]',
  'f: [.inf, -.Inf, +.INF, .NaN, +.5, -.5e-3, 1., .e3, +, ., 99999999999999999999]',
  'b: [true, True, TRUE, false, yes, no, on, off, y, n, tRue]',
  'z: [~, null, Null, NULL, "", "~", ~~, nul]',
  'd: [2026-01-01, 2026-01-01T10:00:00Z, 12:30, 1:20:30]',
  "s: [\"\\x41\\u263A\\/\\t\\\"\\\\\", 'a''b', '\\n', \"a\n  b\"]\nt: plain # comment\nu: multi\n  line\n   plain",
  'lit: |\n  x\n   y\n\nfold: >\n  a\n  b\n\n  c\nstrip: >-\n  a\n\nkeep: |+\n  a\n\n',
  'keys:\n  1: a\n  1.5: b\n  true: c\n  0x10: d\n  "quoted": e\n  __proto__: { polluted: true }\n  "<<": f',
  'flow: { a: [1, { b: c }], "d e": [], f: {} }\nempty:\nlist:\n- 1\n-\n- - nested\n',
  '---\nstarted: yes\n...\n',
  'url: "https://hooks.example.com/T0/B0/x?y=1#z"\nglob: "train-[!a-z]*"\nregex: \'^(?!tmp).*$\'',
  '\uFEFFbom: first\n',
];

describe('reading a config the fast way', () => {
  it.each(SAME)('gives exactly what the full reading gives: %j', (text) => {
    const fast = fastDocumentValue(text);
    expect(fast).not.toBeNull();
    expect(fast?.value).toStrictEqual(fullValue(text));
  });

  it.each(['f: [-, +]', 's: [plain # comment\n   continued]'])(
    'gives what the full reading gives, or leaves it to it: %j',
    (text) => {
      const fast = fastDocumentValue(text);
      if (fast !== null) expect(fast.value).toStrictEqual(fullValue(text));
    },
  );

  it('keeps __proto__ as a key, never as the prototype', () => {
    const value = fastDocumentValue('__proto__: { polluted: true }\n')?.value as object;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__']);
  });

  it.each([
    ['an anchor and its alias', 'a: &x [1]\nb: *x\n'],
    ['an alias with no anchor', 'a: *x\n'],
    ['an explicit tag', 'a: !!float 1\n'],
    ['a local tag', 'a: !secret abc\n'],
    ['a %YAML directive, which changes how scalars read', '%YAML 1.1\n---\na: yes\n'],
    ['two documents', 'a: 1\n---\nb: 2\n'],
    ['keys that differ only as values (1 and "1")', '1: a\n"1": b\n'],
    ['a null key beside an empty one', '~: a\n"": b\n'],
    ['a key that is a list', '? [a, b]\n: c\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['a tab as indentation', 'a:\n\tb: 1\n'],
    ['a nested mapping in a compact one', 'a: b: c\n'],
    ['an unclosed flow list', 'a: [1, 2\n'],
    ['an unclosed quote', 'a: "open\n'],
    ['values nested past 100 levels', `a: ${'['.repeat(101)}${']'.repeat(101)}\n`],
    ['an empty file', ''],
  ])('leaves %s to the full reading', (_, text) => {
    expect(fastDocumentValue(text)).toBeNull();
  });
});
