import { describe, expect, it } from 'vitest';
import { globProblem, globToRegExp } from '../../shared/pipeline-glob.ts';

const matches = (glob: string, name: string) => globToRegExp(glob).test(name);

describe('pipeline globs', () => {
  it('match a whole name: * any run of characters, ? exactly one', () => {
    expect(matches('train-*', 'train-resnet/v2 eu')).toBe(true);
    expect(matches('train-*', 'pretrain-x')).toBe(false);
    expect(matches('job-?', 'job-1')).toBe(true);
    expect(matches('job-?', 'job-10')).toBe(false);
  });

  it('match one character of a set, a range, or one not in it', () => {
    expect(matches('etl-[ab]', 'etl-b')).toBe(true);
    expect(matches('etl-[ab]', 'etl-c')).toBe(false);
    expect(matches('v[0-9][0-9]', 'v42')).toBe(true);
    expect(matches('v[0-9][0-9]', 'v4x')).toBe(false);
    expect(matches('x[!0-9]', 'xa')).toBe(true);
    expect(matches('x[^0-9]', 'x5')).toBe(false);
  });

  it('take a ] first in a set, a - at its end, and [[] as themselves', () => {
    expect(matches('[]]', ']')).toBe(true);
    expect(matches('[a-]', '-')).toBe(true);
    expect(matches('[[]x]', '[x]')).toBe(true);
    expect(matches('[*]', '*')).toBe(true);
    expect(matches('[*]', 'a')).toBe(false);
  });

  it('take every other character literally, regex metacharacters and backslashes included', () => {
    expect(matches('a.b(c)+|^$', 'a.b(c)+|^$')).toBe(true);
    expect(matches('a.b', 'axb')).toBe(false);
    expect(matches('back\\slash', 'back\\slash')).toBe(true);
  });

  it('name an unclosed [ and a backwards range, with where they are', () => {
    expect(globProblem('[a-')).toBe(
      'the [ at character 1 is never closed: end the set with ], or write [[] for a [ itself',
    );
    expect(globProblem('etl-[')).toContain('the [ at character 5 is never closed');
    expect(globProblem('x[]')).toContain('the [ at character 2 is never closed');
    expect(globProblem('v[9-0]')).toBe('the range 9-0 at character 3 is backwards: write 0-9');
    expect(() => globToRegExp('[a-')).toThrow('bad pipeline glob "[a-": the [ at character 1');
    expect(globProblem('train-[0-9]*')).toBeNull();
  });
});
