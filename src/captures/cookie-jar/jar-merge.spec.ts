import { describe, expect, it } from '@jest/globals';
import { mergeStorageState } from './jar-merge.js';
import { normalizeStorageState, type JarCookie, type JarOrigin, type StorageState } from './storage-state.js';

const NOW = 1_733_223_995;
const cookie = (name: string, value: string, extra: Partial<JarCookie> = {}): JarCookie => ({
  name,
  value,
  domain: 'example.com',
  path: '/',
  expires: -1,
  httpOnly: false,
  secure: false,
  sameSite: 'Lax',
  ...extra,
});
const state = (cookies: JarCookie[], origins: JarOrigin[] = []): StorageState => ({ cookies, origins });
const ls = (origin: string, entries: Record<string, string>): JarOrigin => ({
  origin,
  localStorage: Object.entries(entries).map(([name, value]) => ({ name, value })),
});
const values = (s: StorageState) => Object.fromEntries(s.cookies.map((c) => [`${c.name}@${c.domain}${c.path}`, c.value]));

describe('mergeStorageState (RUNNER §11.5)', () => {
  it('adds cookies the run created', () => {
    const j = state([cookie('a', '1')]);
    const out = mergeStorageState(j, j, state([cookie('a', '1'), cookie('b', '2')]), NOW);
    expect(values(out)).toEqual({ 'a@example.com/': '1', 'b@example.com/': '2' });
  });

  it('writes cookies the run changed, including attribute-only changes', () => {
    const s0 = state([cookie('a', '1'), cookie('b', '1')]);
    const s1 = state([cookie('a', '2'), cookie('b', '1', { httpOnly: true })]);
    const out = mergeStorageState(s0, s0, s1, NOW);
    expect(out.cookies).toEqual([cookie('a', '2'), cookie('b', '1', { httpOnly: true })]);
  });

  it('deletes cookies the run deleted', () => {
    const s0 = state([cookie('a', '1'), cookie('b', '2')]);
    const out = mergeStorageState(s0, s0, state([cookie('b', '2')]), NOW);
    expect(values(out)).toEqual({ 'b@example.com/': '2' });
  });

  it('keeps a cookie written by run B between run A’s S0 and A’s merge', () => {
    const s0A = state([cookie('shared', 'old')]);
    // B started from the same S0 and merged first: it changed `shared` and added `b`.
    const afterB = mergeStorageState(s0A, s0A, state([cookie('shared', 'fromB'), cookie('b', 'B')]), NOW);
    // A did not touch `shared` and added `a`.
    const afterA = mergeStorageState(afterB, s0A, state([cookie('shared', 'old'), cookie('a', 'A')]), NOW);
    expect(values(afterA)).toEqual({ 'shared@example.com/': 'fromB', 'b@example.com/': 'B', 'a@example.com/': 'A' });
  });

  it('does not resurrect a cookie another run deleted when this run left it untouched', () => {
    const s0 = state([cookie('x', '1'), cookie('y', '1')]);
    const afterB = mergeStorageState(s0, s0, state([cookie('y', '1')]), NOW); // B deleted x
    const afterA = mergeStorageState(afterB, s0, s0, NOW); // A changed nothing
    expect(values(afterA)).toEqual({ 'y@example.com/': '1' });
  });

  it('lets the later writer win when two runs change the same cookie', () => {
    const s0 = state([cookie('x', '0')]);
    const afterB = mergeStorageState(s0, s0, state([cookie('x', 'B')]), NOW);
    const afterA = mergeStorageState(afterB, s0, state([cookie('x', 'A')]), NOW);
    expect(values(afterA)).toEqual({ 'x@example.com/': 'A' });
  });

  it('deletes a cookie from the jar even if another run changed it meanwhile', () => {
    const s0 = state([cookie('x', '0')]);
    const afterB = mergeStorageState(s0, s0, state([cookie('x', 'B')]), NOW);
    const afterA = mergeStorageState(afterB, s0, state([]), NOW);
    expect(afterA.cookies).toEqual([]);
  });

  it('keys cookies by name, domain and path', () => {
    const s0 = state([]);
    const s1 = state([cookie('id', '1'), cookie('id', '2', { domain: '.example.com' }), cookie('id', '3', { path: '/app' }), cookie('id', '4', { domain: 'other.org' })]);
    const out = mergeStorageState(state([]), s0, s1, NOW);
    expect(out.cookies).toHaveLength(4);
    const deleted = mergeStorageState(out, s1, state(s1.cookies.filter((c) => c.path !== '/app')), NOW);
    expect(deleted.cookies.map((c) => c.value)).toEqual(['1', '2', '4']);
  });

  it('drops expired cookies, whoever wrote them, and keeps session cookies', () => {
    const j = state([cookie('stale', '1', { expires: NOW - 10 }), cookie('session', '1', { expires: -1 }), cookie('future', '1', { expires: NOW + 3600 })]);
    const out = mergeStorageState(j, state([]), state([cookie('new-expired', '1', { expires: NOW })]), NOW);
    expect(out.cookies.map((c) => c.name)).toEqual(['session', 'future']);
  });

  it('merges localStorage per origin and key with the same three-way rule', () => {
    const s0 = state([], [ls('https://a.test', { keep: '1', change: '1', remove: '1' })]);
    const afterB = mergeStorageState(s0, s0, state([], [ls('https://a.test', { keep: 'B', change: '1', remove: '1' }), ls('https://b.test', { k: 'v' })]), NOW);
    const s1A = state([], [ls('https://a.test', { keep: '1', change: 'A', added: 'A' })]);
    const out = mergeStorageState(afterB, s0, s1A, NOW);
    expect(out.origins).toEqual([ls('https://a.test', { keep: 'B', change: 'A', added: 'A' }), ls('https://b.test', { k: 'v' })]);
  });

  it('drops an origin whose last key was removed', () => {
    const s0 = state([], [ls('https://a.test', { only: '1' })]);
    expect(mergeStorageState(s0, s0, state([]), NOW).origins).toEqual([]);
  });

  it('never loses a write across 20 runs that all started from the same S0', () => {
    const s0 = state([cookie('base', '0')]);
    let jar = s0;
    for (let i = 0; i < 20; i++) jar = mergeStorageState(jar, s0, state([cookie('base', '0'), cookie(`run${i}`, String(i))], [ls('https://a.test', { [`k${i}`]: String(i) })]), NOW);
    expect(jar.cookies).toHaveLength(21);
    expect(jar.origins[0].localStorage).toHaveLength(20);
  });
});

describe('normalizeStorageState', () => {
  it('keeps documented fields, applies defaults and drops malformed entries', () => {
    const raw = {
      cookies: [
        { name: 'a', value: '1', domain: 'x.test', path: '/', expires: 5, httpOnly: true, secure: true, sameSite: 'Strict', partitionKey: 'p' },
        { name: 'b', value: '2', domain: 'x.test', path: '/' },
        { name: 'bad' },
        'junk',
      ],
      origins: [{ origin: 'https://x.test', localStorage: [{ name: 'k', value: 'v' }, { name: 1 }] }, { origin: 5 }],
      extra: true,
    };
    expect(normalizeStorageState(raw)).toEqual({
      cookies: [
        { name: 'a', value: '1', domain: 'x.test', path: '/', expires: 5, httpOnly: true, secure: true, sameSite: 'Strict' },
        { name: 'b', value: '2', domain: 'x.test', path: '/', expires: -1, httpOnly: false, secure: false, sameSite: 'Lax' },
      ],
      origins: [{ origin: 'https://x.test', localStorage: [{ name: 'k', value: 'v' }] }],
    });
    expect(normalizeStorageState(null)).toEqual({ cookies: [], origins: [] });
    expect(normalizeStorageState({ cookies: 'x' })).toEqual({ cookies: [], origins: [] });
  });
});
