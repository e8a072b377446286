import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Hand-written initial schema; must stay in step with the entities in ../entities/.
 * Ids use the "C" collation: byte order, the same order as the JSON provider's string compare
 * (the executions list and its keyset cursor sort by id).
 */
export class InitialSchema1733300000000 implements MigrationInterface {
  name = 'InitialSchema1733300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tasks (
        id text COLLATE "C" NOT NULL,
        name text NOT NULL,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        body jsonb NOT NULL,
        CONSTRAINT tasks_pkey PRIMARY KEY (id)
      )`);
    await q.query(`CREATE INDEX tasks_updated_at_idx ON tasks (updated_at DESC, id DESC)`);

    await q.query(`
      CREATE TABLE task_versions (
        id text COLLATE "C" NOT NULL,
        task_id text COLLATE "C" NOT NULL,
        timestamp bigint NOT NULL,
        reason text NOT NULL,
        name text NOT NULL,
        mode text NOT NULL,
        snapshot jsonb NOT NULL,
        CONSTRAINT task_versions_pkey PRIMARY KEY (id),
        CONSTRAINT task_versions_task_id_fkey FOREIGN KEY (task_id) REFERENCES tasks (id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX task_versions_task_id_timestamp_idx ON task_versions (task_id, timestamp DESC, id DESC)`);

    await q.query(`
      CREATE TABLE executions (
        id text COLLATE "C" NOT NULL,
        run_id text NOT NULL,
        idempotency_key text,
        task_id text,
        task_name text,
        mode text NOT NULL,
        source text NOT NULL,
        method text NOT NULL,
        path text NOT NULL,
        status integer,
        phase text NOT NULL,
        outcome text,
        timestamp bigint NOT NULL,
        started_at bigint,
        finished_at bigint,
        duration_ms bigint,
        url text,
        error text,
        error_code text,
        record jsonb NOT NULL,
        webhook_state text,
        CONSTRAINT executions_pkey PRIMARY KEY (id),
        CONSTRAINT executions_run_id_key UNIQUE (run_id)
      )`);
    await q.query(`CREATE UNIQUE INDEX executions_idempotency_key_key ON executions (idempotency_key) WHERE idempotency_key IS NOT NULL`);
    await q.query(`CREATE INDEX executions_timestamp_idx ON executions (timestamp DESC, id DESC)`);
    await q.query(`CREATE INDEX executions_task_id_timestamp_idx ON executions (task_id, timestamp DESC, id DESC)`);
    await q.query(`CREATE INDEX executions_outcome_timestamp_idx ON executions (outcome, timestamp DESC, id DESC)`);
    await q.query(`CREATE INDEX executions_phase_timestamp_idx ON executions (phase, timestamp DESC, id DESC)`);
    await q.query(`CREATE INDEX executions_webhook_pending_idx ON executions (timestamp, id) WHERE webhook_state IN ('pending', 'delivering')`);

    await q.query(`
      CREATE TABLE execution_events (
        execution_id text COLLATE "C" NOT NULL,
        seq integer NOT NULL,
        payload jsonb NOT NULL,
        CONSTRAINT execution_events_pkey PRIMARY KEY (execution_id, seq),
        CONSTRAINT execution_events_execution_id_fkey FOREIGN KEY (execution_id) REFERENCES executions (id) ON DELETE CASCADE
      )`);

    await q.query(`
      CREATE TABLE execution_results (
        execution_id text COLLATE "C" NOT NULL,
        result jsonb NOT NULL,
        CONSTRAINT execution_results_pkey PRIMARY KEY (execution_id),
        CONSTRAINT execution_results_execution_id_fkey FOREIGN KEY (execution_id) REFERENCES executions (id) ON DELETE CASCADE
      )`);

    await q.query(`
      CREATE TABLE settings (
        key text NOT NULL,
        value jsonb,
        CONSTRAINT settings_pkey PRIMARY KEY (key)
      )`);

    await q.query(`
      CREATE TABLE proxies (
        id text COLLATE "C" NOT NULL,
        server text NOT NULL,
        username text,
        password_enc text,
        label text,
        is_rotating_pool boolean,
        estimated_pool_size integer,
        created_at bigint NOT NULL,
        CONSTRAINT proxies_pkey PRIMARY KEY (id)
      )`);
    await q.query(`CREATE INDEX proxies_created_at_idx ON proxies (created_at, id)`);

    await q.query(`
      CREATE TABLE credentials (
        id text COLLATE "C" NOT NULL,
        name text NOT NULL,
        provider text NOT NULL,
        config jsonb NOT NULL,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        CONSTRAINT credentials_pkey PRIMARY KEY (id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['credentials', 'proxies', 'settings', 'execution_results', 'execution_events', 'executions', 'task_versions', 'tasks']) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
