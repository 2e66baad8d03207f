/**
 * vitest globalSetup: one throwaway PostgreSQL cluster for the test run (pg-cluster.ts), its
 * port given to the tests (pg-database.ts). Without PostgreSQL the tests that need it skip,
 * saying why, unless RUNWATCH_PG_REQUIRED is set: CI installs it and sets that.
 */
import type { TestProject } from 'vitest/node';
import { PG_MISSING, PgCluster, pgBinDir } from './pg-cluster.ts';
import './pg-provided.ts';

export default async function setup(project: TestProject): Promise<() => void> {
  if (!pgBinDir()) {
    if (process.env.RUNWATCH_PG_REQUIRED) throw new Error(PG_MISSING);
    project.provide('pgCluster', { missing: PG_MISSING });
    return () => {};
  }
  const cluster = await PgCluster.start();
  project.provide('pgCluster', { port: cluster.port, dir: cluster.dir });
  return () => cluster.stop();
}
