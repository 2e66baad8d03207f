import fs from 'node:fs';
import path from 'node:path';

/**
 * The file under `root` (a real path) that a request path names, or null when it names
 * nothing there. Each segment is decoded and judged on its own, so `..`, `%2e%2e`, an encoded
 * slash or backslash, a NUL or a hidden name never get near the file system; the real path of
 * what remains must still be inside `root`, so a symlink that leads out is refused too.
 */
export async function staticFile(root: string, requestPath: string): Promise<string | null> {
  const segments = requestPath === '/' ? ['index.html'] : requestPath.slice(1).split('/');
  const names: string[] = [];
  for (const segment of segments) {
    const name = decodeSegment(segment);
    if (name === null) return null;
    names.push(name);
  }
  const real = await fs.promises.realpath(path.join(root, ...names)).catch(() => null);
  const inside = root.endsWith(path.sep) ? root : root + path.sep;
  if (real === null || !real.startsWith(inside)) return null;
  return real;
}

function decodeSegment(segment: string): string | null {
  let name: string;
  try {
    name = decodeURIComponent(segment);
  } catch {
    return null;
  }
  // A leading dot covers `.`, `..` and hidden files; `:` is a drive or a stream on Windows.
  if (name === '' || name.startsWith('.') || /[/\\:\0]/.test(name)) return null;
  return name;
}
