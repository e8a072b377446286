import { describeRepositoryContract } from './repository-contract.js';
import { makeTempDataDir, openJsonUnderTest, removeDir } from './json-test-storage.js';

const dirs: string[] = [];

afterAll(async () => {
  await Promise.all(dirs.map(removeDir));
});

describeRepositoryContract('json', async () => {
  const dir = await makeTempDataDir();
  dirs.push(dir);
  return openJsonUnderTest(dir);
});
