import { SettingsRepository, type JsonValue } from '../ports/index.js';
import { toJsonb } from './jsonb.js';
import type { PostgresConnection } from './postgres-connection.js';

/** `value IS NULL` marks the placeholder row `update` inserts to have something to lock. */
export class PgSettingsRepository extends SettingsRepository {
  constructor(private readonly db: PostgresConnection) {
    super();
  }

  async get(key: string): Promise<JsonValue | undefined> {
    const { rows } = await this.db.run((s) =>
      s.query<{ value: JsonValue }>('SELECT value FROM settings WHERE key = $1 AND value IS NOT NULL', [key]),
    );
    return rows.length > 0 ? rows[0].value : undefined;
  }

  async set(key: string, value: JsonValue): Promise<void> {
    await this.db.run((s) =>
      s.query('INSERT INTO settings (key, value) VALUES ($1, $2::jsonb) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value', [
        key,
        toJsonb(value),
      ]),
    );
  }

  async delete(key: string): Promise<void> {
    await this.db.run((s) => s.query('DELETE FROM settings WHERE key = $1', [key]));
  }

  async update(
    key: string,
    fn: (current: JsonValue | undefined) => JsonValue | undefined | Promise<JsonValue | undefined>,
  ): Promise<JsonValue | undefined> {
    return this.db.transaction(async (s) => {
      // Make sure a row exists so FOR UPDATE has something to lock, even for a new key.
      await s.query('INSERT INTO settings (key, value) VALUES ($1, NULL) ON CONFLICT (key) DO NOTHING', [key]);
      const { rows } = await s.query<{ value: JsonValue; absent: boolean }>(
        'SELECT value, value IS NULL AS absent FROM settings WHERE key = $1 FOR UPDATE',
        [key],
      );
      const current = rows.length === 0 || rows[0].absent ? undefined : rows[0].value;
      const next = await fn(current);
      if (next === undefined) await s.query('DELETE FROM settings WHERE key = $1', [key]);
      else await s.query('UPDATE settings SET value = $2::jsonb WHERE key = $1', [key, toJsonb(next)]);
      return next;
    });
  }
}
