/**
 * Where `runwatch serve` listens unless told otherwise. A file of its own: the CLI's options
 * show them without loading the server.
 */
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 7777;
