import { afterAll, beforeAll, it } from '@jest/globals';
import { runActions, startHarness, type Harness, type ActionInput } from './support/interpreter-harness.js';
import { STEALTH_KEYS } from '../../src/tasks/model/task.types.js';
let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.close(); });
it('x', async () => {
  const group: ActionInput[] = [
    { type: 'click', selector: '#email' },
    { type: 'type', selector: '#email', value: 'hello' },
    { type: 'hover', selector: '#submit' },
    { type: 'click', selector: '#newsletter' },
    { type: 'wait', value: '0.5' },
  ];
  const actions = Array.from({ length: 20 }, () => group).flat();
  const all = Object.fromEntries(STEALTH_KEYS.map((k) => [k, true]));
  for (let i = 0; i < 2; i++) {
    const plain = await runActions(h, { startPath: '/form.html', actions });
    const human = await runActions(h, { startPath: '/form.html', actions, stealth: all, task: { humanTyping: true } });
    const per = (o: typeof plain) => { const m: Record<string, number[]> = {}; for (const e of o.actionEvents()) if (e.durationMs !== undefined) (m[e.type] ??= []).push(e.durationMs); return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Math.round(v.reduce((a, b) => a + b, 0) / v.length)])); };
    console.log(plain.durationMs, human.durationMs, (human.durationMs / plain.durationMs).toFixed(2), JSON.stringify(per(plain)), JSON.stringify(per(human)), plain.result.end, human.result.end);
  }
}, 300000);
