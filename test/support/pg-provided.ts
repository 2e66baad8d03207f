/** What the test run's PostgreSQL setup gives the tests (pg-global-setup.ts, pg-database.ts). */
declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's cluster, or why there is none. */
    pgCluster: { port: number; dir: string } | { missing: string };
  }
}

export {};
