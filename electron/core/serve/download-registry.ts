import { randomBytes } from 'node:crypto';
import path from 'node:path';

export interface Download {
  file: string;
  name: string;
}

/**
 * What the app would open in a folder, `serve` offers as a download: the core registers a
 * file's absolute path and hands the browser the URL it gets back. Only registered files are
 * served, under an id nobody can guess, for as long as the process runs.
 */
export class DownloadRegistry {
  private readonly byId = new Map<string, Download>();
  private readonly idByFile = new Map<string, string>();

  /** The URL path (`/download/<id>/<name>`) that serves `file`; the same one for the same file. */
  register(file: string): string {
    if (!path.isAbsolute(file)) throw new Error(`a download needs an absolute path: ${file}`);
    const normal = path.normalize(file);
    const name = path.basename(normal);
    let id = this.idByFile.get(normal);
    if (id === undefined) {
      id = randomBytes(16).toString('base64url');
      this.byId.set(id, { file: normal, name });
      this.idByFile.set(normal, id);
    }
    return `/download/${id}/${encodeURIComponent(name)}`;
  }

  /** The registered file behind a download id and its name, as they came in the URL. */
  find(id: string, encodedName: string): Download | null {
    const download = this.byId.get(id);
    if (!download || decoded(encodedName) !== download.name) return null;
    return download;
  }
}

function decoded(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/** `attachment` with the name, in ASCII for old clients and exactly in `filename*`. */
export function attachmentHeader(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeRfc5987(name)}`;
}

function encodeRfc5987(text: string): string {
  return encodeURIComponent(text).replace(
    /['()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
