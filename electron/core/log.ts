/** Where the core reports what it is doing; the CLI writes it to stderr, tests collect it. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export function streamLogger(
  write: (line: string) => void,
  options: { verbose?: boolean; prefix?: string } = {},
): Logger {
  const prefix = options.prefix ?? 'runwatch: ';
  return {
    debug: (message) => {
      if (options.verbose) write(`${prefix}${message}\n`);
    },
    info: (message) => write(`${prefix}${message}\n`),
    warn: (message) => write(`${prefix}warning: ${message}\n`),
    error: (message) => write(`${prefix}error: ${message}\n`),
  };
}

export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};
