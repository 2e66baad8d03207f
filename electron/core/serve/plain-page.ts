import { fileURLToPath } from 'node:url';

/** The plain page of `renderer/plain/`: what `serve` shows until the dashboard is built. */
export const PLAIN_PAGE_DIR = fileURLToPath(new URL('../../../renderer/plain/', import.meta.url));
