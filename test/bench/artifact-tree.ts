/**
 * A pipeline's artifacts folder for the archive benchmark, the same bytes on every run (a seeded
 * generator), cached between runs: CSV, JSON and logs that compress, outputs that are compressed
 * already (gzip, PNG-like, Parquet-like), random binaries (model weights), and many small files.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { cacheRoot } from './generate-db.ts';

export interface TreeSpec {
  /** Roughly the tree's size in MB. */
  mb: number;
  smallFiles: number;
  /** What the small files are: step logs (the default) or small JSON records. */
  small?: 'log' | 'json';
}

export interface ArtifactTree {
  root: string;
  files: number;
  bytes: number;
  cached: boolean;
  /** Bytes by kind, for the printed description. */
  kinds: Record<'text' | 'compressed' | 'random' | 'small', { files: number; bytes: number }>;
}

/** xorshift32: fast, seeded, good enough to make data that does not compress. */
function generator(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

function randomBuffer(next: () => number, bytes: number): Buffer {
  const out = Buffer.allocUnsafe(bytes + 4);
  for (let i = 0; i < bytes; i += 4) out.writeUInt32LE(next(), i);
  return out.subarray(0, bytes);
}

function csvText(next: () => number, bytes: number): Buffer {
  const splits = ['train', 'eval', 'test'];
  const parts: string[] = ['id,loss,accuracy,split,ts\n'];
  let size = parts[0]?.length ?? 0;
  let id = 0;
  while (size < bytes) {
    const line = `${id++},${(next() % 100_000) / 10_000},${(next() % 1_000) / 1_000},${splits[next() % 3]},${1_790_000_000 + (next() % 10_000_000)}\n`;
    parts.push(line);
    size += line.length;
  }
  return Buffer.from(parts.join('')).subarray(0, bytes);
}

function jsonText(next: () => number, bytes: number): Buffer {
  const rows: string[] = [];
  let size = 2;
  for (let i = 0; size < bytes; i++) {
    const row = JSON.stringify({
      step: i,
      lr: (next() % 1_000) / 1e6,
      tag: `layer-${next() % 48}`,
      grad_norm: (next() % 100_000) / 1_000,
    });
    rows.push(row);
    size += row.length + 1;
  }
  return Buffer.from(`[${rows.join(',')}]`);
}

function logText(next: () => number, lines: number): Buffer {
  const levels = ['INFO', 'INFO', 'INFO', 'DEBUG', 'WARN'];
  let out = '';
  for (let i = 0; i < lines; i++) {
    out += `2026-11-25T10:${String(i % 60).padStart(2, '0')}:00Z ${levels[next() % 5]} worker-${next() % 8} batch ${i} loss=${(next() % 10_000) / 10_000}\n`;
  }
  return Buffer.from(out);
}

function write(root: string, rel: string, data: Buffer): void {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, data);
}

/** Builds (or finds in the cache) the tree: about 40 % text, 25 % compressed, 25 % random, 10 % small files. */
export function ensureArtifactTree(spec: TreeSpec): ArtifactTree {
  const smallJson = spec.small === 'json';
  const root = path.join(
    cacheRoot(),
    `artifacts-${spec.mb}mb-${spec.smallFiles}${smallJson ? '-json' : ''}`,
  );
  const manifest = `${root}.json`;
  if (fs.existsSync(manifest)) {
    return { ...(JSON.parse(fs.readFileSync(manifest, 'utf8')) as ArtifactTree), cached: true };
  }
  fs.rmSync(root, { recursive: true, force: true });
  const next = generator(20_261_125);
  const mb = 1024 * 1024;
  const kinds: ArtifactTree['kinds'] = {
    text: { files: 0, bytes: 0 },
    compressed: { files: 0, bytes: 0 },
    random: { files: 0, bytes: 0 },
    small: { files: 0, bytes: 0 },
  };
  const add = (kind: keyof ArtifactTree['kinds'], rel: string, data: Buffer) => {
    write(root, rel, data);
    kinds[kind].files++;
    kinds[kind].bytes += data.length;
  };
  const target = spec.mb * mb;
  for (let i = 0; kinds.text.bytes < target * 0.4; i++) {
    if (i % 3 === 2) add('text', `metrics/epoch-${i}.json`, jsonText(next, 8 * mb));
    else add('text', `data/part-${String(i).padStart(4, '0')}.csv`, csvText(next, 12 * mb));
  }
  for (let i = 0; kinds.compressed.bytes < target * 0.25; i++) {
    if (i % 3 === 0)
      add(
        'compressed',
        `data/raw-${i}.csv.gz`,
        zlib.gzipSync(csvText(next, 24 * mb), { level: 6 }),
      );
    else if (i % 3 === 1) add('compressed', `plots/plot-${i}.png`, randomBuffer(next, 3 * mb));
    else add('compressed', `features/part-${i}.parquet`, randomBuffer(next, 10 * mb));
  }
  for (let i = 0; kinds.random.bytes < target * 0.25; i++) {
    add('random', `model/shard-${String(i).padStart(3, '0')}.bin`, randomBuffer(next, 25 * mb));
  }
  for (let i = 0; i < spec.smallFiles; i++) {
    const step = String(i).padStart(6, '0');
    if (smallJson) {
      add(
        'small',
        `records/shard-${i % 50}/step-${step}.json`,
        jsonText(next, 500 + (next() % 2_500)),
      );
    } else {
      add('small', `logs/worker-${i % 50}/step-${step}.log`, logText(next, 20 + (next() % 60)));
    }
  }
  const files = Object.values(kinds).reduce((sum, k) => sum + k.files, 0);
  const bytes = Object.values(kinds).reduce((sum, k) => sum + k.bytes, 0);
  const tree: ArtifactTree = { root, files, bytes, cached: false, kinds };
  fs.writeFileSync(manifest, JSON.stringify(tree));
  return tree;
}
