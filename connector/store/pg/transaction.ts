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
