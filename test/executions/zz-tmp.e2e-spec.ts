import { it } from '@jest/globals';
import { startTestApp } from '../support/app-harness.js';
it('doc', async () => {
  const t = await startTestApp();
  const doc = (await (await fetch(`${t.url}/api/docs-json`)).json()) as { paths: Record<string, {get: {parameters: unknown[]}}>; components: { schemas: Record<string, unknown> } };
  console.log(JSON.stringify(doc.paths['/api/executions'].get.parameters.slice(2,3)));
  console.log(JSON.stringify(doc.components.schemas.ExecutionFullResponse).slice(0, 800));
  await t.close();
});
