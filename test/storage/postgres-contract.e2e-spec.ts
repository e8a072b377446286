import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { openEmptyPostgres } from './postgres-test-storage.js';
import { describeRepositoryContract } from './repository-contract.js';

let db: TestDatabase | undefined;

beforeAll(async () => {
  db = await createTestDatabase('contract');
});

afterAll(async () => {
  await db?.cleanup();
});

describeRepositoryContract('postgres', async () => {
  if (!db) throw new Error('test database not created');
  return openEmptyPostgres(db.config);
});
