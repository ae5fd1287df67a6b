/** One PostgreSQL transaction on a connection of the pool: committed, or rolled back on a throw. */
import type pg from 'pg';

/**
 * Runs `work` between BEGIN and COMMIT on one connection; a throw rolls back and is rethrown. A
 * connection whose ROLLBACK failed is closed instead of going back to the pool.
 */
export async function withTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    try {
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      });
      throw error;
    }
  } finally {
    client.release(broken);
  }
}

/** What a store queries through: the pool (each statement on its own), or a transaction's client. */
export type PgQueryable = pg.Pool | pg.PoolClient;

/**
 * Runs `work` in a transaction: a new one on a pool; on a client, inside the transaction its
 * caller holds (a store given a client is part of a bigger change, e.g. one and its audit entry).
 */
export async function inTransaction<T>(
  db: PgQueryable,
  work: (client: pg.PoolClient | pg.Pool) => Promise<T>,
): Promise<T> {
  return isPool(db) ? withTransaction(db, work) : work(db);
}

function isPool(db: PgQueryable): db is pg.Pool {
  // A pool counts its connections; a client has none.
  return 'totalCount' in db;
}
