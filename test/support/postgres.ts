/**
 * A private PostgreSQL server for one test file: start it in beforeAll, stop it in afterAll.
 * bench/postgres-server.ts does the work (benchmarks start theirs the same way).
 */
import { startPostgresServer, type PostgresServer } from '../../bench/postgres-server.ts';

/** A running test server: its URL (database "postgres"), fresh databases on demand, and stop(). */
export type TestPostgres = PostgresServer;

/** Starts a server in a new temp directory on a free port; stop() ends it and removes the directory. */
export function startTestPostgres(): Promise<TestPostgres> {
  return startPostgresServer();
}
