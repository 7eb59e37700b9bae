// Poll administration: create validation, lifecycle, list order.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, createPoll, openPoll } from '../lib/harness.mjs';
import {
  expectProblem, expectJson, api, adminPost, adminGet, pid, basicPoll, iso, sleep, ID_RE, TIME_RE, closePoll, getPoll,
} from './util.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); server?.cleanup(); });

const create = (body) => adminPost(server, '/api/v1/polls', body);
const cands = (n, f = (i) => ({ name: `Participante ${i}` })) => Array.from({ length: n }, (_, i) => f(i));
const HOUR = 3600 * 1000;

function assertPollShape(p) {
  for (const k of ['id', 'title', 'status', 'opens_at', 'closes_at', 'show_partial_results', 'candidates']) {
    assert.ok(k in p, `Poll lacks ${k}: ${JSON.stringify(p)}`);
  }
  assert.match(p.id, ID_RE);
  assert.equal(typeof p.title, 'string');
  assert.ok(['draft', 'open', 'closed'].includes(p.status));
  for (const k of ['opens_at', 'closes_at']) if (p[k] !== null) assert.match(p[k], TIME_RE, `${k}=${p[k]}`);
  assert.equal(typeof p.show_partial_results, 'boolean');
  assert.ok(Array.isArray(p.candidates));
  for (const c of p.candidates) {
    for (const k of ['id', 'name', 'photo_url']) assert.ok(k in c, `candidate lacks ${k}: ${JSON.stringify(c)}`);
    assert.match(c.id, ID_RE);
    assert.equal(typeof c.name, 'string');
    assert.ok(c.photo_url === null || typeof c.photo_url === 'string');
  }
}

describe('create: success', () => {
  test('201 Poll in status draft with exactly what was sent', async () => {
    const id = pid('full');
    const body = {
      id, title: 'Paredão: Ana × Bruno × Carla', show_partial_results: false,
      candidates: [
        { id: 'ana', name: 'Ana', photo_url: 'https://example.com/ana.jpg' },
        { id: 'bruno', name: 'Bruno' },
        { id: 'carla-2', name: 'Carla' },
      ],
    };
    const res = await create(body);
    const p = await expectJson(res, 201);
    assertPollShape(p);
    assert.deepEqual(p, {
      ...p, // extra fields are the implementation's choice
      id, title: body.title, status: 'draft', opens_at: null, closes_at: null, show_partial_results: false,
      candidates: [
        { ...p.candidates[0], id: 'ana', name: 'Ana', photo_url: 'https://example.com/ana.jpg' },
        { ...p.candidates[1], id: 'bruno', name: 'Bruno', photo_url: null },
        { ...p.candidates[2], id: 'carla-2', name: 'Carla', photo_url: null },
      ],
    });
    assert.deepEqual(await getPoll(server, id), p);
  });

  test('server-generated poll and candidate ids are valid and distinct; show_partial_results defaults to true', async () => {
    const p = await expectJson(await create({ title: 'Sem ids', candidates: cands(5) }), 201);
    assertPollShape(p);
    assert.equal(p.show_partial_results, true);
    assert.equal(new Set(p.candidates.map((c) => c.id)).size, 5);
    assert.deepEqual(p.candidates.map((c) => c.name), cands(5).map((c) => c.name));
    const q = await expectJson(await create({ title: 'Sem ids', candidates: cands(2) }), 201);
    assert.notEqual(p.id, q.id);
  });

  test('a mix of given and generated candidate ids', async () => {
    const p = await expectJson(await create({ title: 'Mix', candidates: [{ id: 'x1', name: 'X' }, { name: 'Y' }, { id: null, name: 'Z' }] }), 201);
    assertPollShape(p);
    assert.equal(p.candidates[0].id, 'x1');
    assert.equal(new Set(p.candidates.map((c) => c.id)).size, 3);
  });

  test('null for every optional field is the same as leaving it out', async () => {
    const p = await expectJson(await create({
      id: null, title: 'Nulls', opens_at: null, closes_at: null, show_partial_results: null,
      candidates: [{ id: null, name: 'A', photo_url: null }, { name: 'B', photo_url: null }],
    }), 201);
    assertPollShape(p);
    assert.equal(p.status, 'draft');
    assert.equal(p.opens_at, null);
    assert.equal(p.closes_at, null);
    assert.equal(p.show_partial_results, true);
    assert.equal(p.candidates[0].photo_url, null);
  });

  test('unknown fields are ignored', async () => {
    const p = await expectJson(await create({
      title: 'Extra', foo: 1, nested: { a: [1, 2] }, status: 'closed',
      candidates: [{ name: 'A', bar: true }, { name: 'B', votes: 1000 }],
    }), 201);
    assert.equal(p.status, 'draft', 'an unknown/read-only "status" field must not change anything');
    assert.equal(p.candidates.length, 2);
  });

  test('2 and 20 candidates are accepted', async () => {
    assert.equal((await expectJson(await create({ title: 't', candidates: cands(2) }), 201)).candidates.length, 2);
    assert.equal((await expectJson(await create({ title: 't', candidates: cands(20) }), 201)).candidates.length, 20);
  });

  test('title of 1 and of 200 code points (multi-byte) accepted', async () => {
    for (const title of ['x', 'a'.repeat(200), 'ã'.repeat(200), '😀'.repeat(200), 'ç'.repeat(100) + '🎉'.repeat(100)]) {
      const p = await expectJson(await create({ title, candidates: cands(2) }), 201);
      assert.equal(p.title, title);
    }
  });

  test('names of 1 and 100 code points (multi-byte) accepted', async () => {
    const p = await expectJson(await create({ title: 't', candidates: [{ name: 'J' }, { name: 'é'.repeat(100) }, { name: '👍'.repeat(100) }] }), 201);
    assert.equal(p.candidates[1].name, 'é'.repeat(100));
    assert.equal(p.candidates[2].name, '👍'.repeat(100));
  });

  test('ids of 1 and 64 chars, digits and dashes accepted', async () => {
    const id = `9${'-'.repeat(10)}${'z'.repeat(53)}`;
    assert.equal(id.length, 64);
    const p = await expectJson(await create({ id, title: 't', candidates: [{ id: '0', name: 'A' }, { id: 'a-b-c-1', name: 'B' }] }), 201);
    assert.equal(p.id, id);
    assert.deepEqual(p.candidates.map((c) => c.id), ['0', 'a-b-c-1']);
  });

  test('times with offsets and fractions are accepted and returned as whole-second Z', async () => {
    const y = new Date().getUTCFullYear() + 2;
    const p = await expectJson(await create({
      title: 't', candidates: cands(2),
      opens_at: `${y}-03-01T12:00:00.000123+03:00`, closes_at: `${y}-03-01T10:30:00-02:30`,
    }), 201);
    assert.equal(p.opens_at, `${y}-03-01T09:00:00Z`);
    assert.equal(p.closes_at, `${y}-03-01T13:00:00Z`);
    assert.equal(p.status, 'draft');
    const q = await expectJson(await create({
      title: 't', candidates: cands(2), opens_at: `${y}-05-05T05:05:05Z`, closes_at: `${y}-05-06T00:00:00.5Z`,
    }), 201);
    assert.equal(q.opens_at, `${y}-05-05T05:05:05Z`);
    assert.match(q.closes_at, /^\d{4}-05-06T00:00:0[01]Z$/);
  });

  test('a poll whose opens_at is already past and closes_at ahead is created open ("or as its times say")', async () => {
    const p = await expectJson(await create({
      title: 't', candidates: cands(2), opens_at: iso(Date.now() - 60_000), closes_at: iso(Date.now() + HOUR),
    }), 201);
    assert.equal(p.status, 'open');
    const ch = await api(server, `/api/v1/polls/${p.id}/challenge`);
    assert.equal(ch.status, 200, await ch.text());
  });

  test('a poll with only closes_at stays draft until opened', async () => {
    const p = await expectJson(await create({ title: 't', candidates: cands(2), closes_at: iso(Date.now() + HOUR) }), 201);
    assert.equal(p.status, 'draft');
    assert.equal(p.opens_at, null);
  });
});

describe('create: validation → 400 invalid_request', () => {
  const now = Date.now();
  const bad = [
    ['no candidates field', { title: 't' }, 'candidates'],
    ['candidates not an array', { title: 't', candidates: 'A,B' }, 'candidates'],
    ['candidates null', { title: 't', candidates: null }, 'candidates'],
    ['0 candidates', { title: 't', candidates: [] }, null],
    ['1 candidate', { title: 't', candidates: cands(1) }, null],
    ['21 candidates', { title: 't', candidates: cands(21) }, null],
    ['candidate not an object', { title: 't', candidates: ['A', 'B'] }, null],
    ['candidate without name', { title: 't', candidates: [{ name: 'A' }, { id: 'b' }] }, 'name'],
    ['name not a string', { title: 't', candidates: [{ name: 'A' }, { name: 5 }] }, 'name'],
    ['empty name', { title: 't', candidates: [{ name: 'A' }, { name: '' }] }, null],
    ['name of 101 chars', { title: 't', candidates: [{ name: 'A' }, { name: 'n'.repeat(101) }] }, null],
    ['name of 101 multi-byte chars', { title: 't', candidates: [{ name: 'A' }, { name: 'ã'.repeat(101) }] }, null],
    ['name of 101 emoji', { title: 't', candidates: [{ name: 'A' }, { name: '😀'.repeat(101) }] }, null],
    ['names equal ignoring case', { title: 't', candidates: [{ name: 'Ana' }, { name: 'ANA' }] }, null],
    ['names equal ignoring surrounding spaces', { title: 't', candidates: [{ name: 'Ana' }, { name: '  Ana ' }] }, null],
    ['names equal ignoring case and spaces', { title: 't', candidates: [{ name: 'bruno' }, { name: 'Ana' }, { name: ' BRUNO' }] }, null],
    ['duplicate candidate ids', { title: 't', candidates: [{ id: 'x', name: 'A' }, { id: 'x', name: 'B' }] }, null],
    ['candidate id uppercase', { title: 't', candidates: [{ id: 'Ana', name: 'A' }, { name: 'B' }] }, null],
    ['candidate id starting with dash', { title: 't', candidates: [{ id: '-a', name: 'A' }, { name: 'B' }] }, null],
    ['candidate id with underscore', { title: 't', candidates: [{ id: 'a_b', name: 'A' }, { name: 'B' }] }, null],
    ['candidate id of 65 chars', { title: 't', candidates: [{ id: 'a'.repeat(65), name: 'A' }, { name: 'B' }] }, null],
    ['candidate id empty', { title: 't', candidates: [{ id: '', name: 'A' }, { name: 'B' }] }, null],
    ['candidate id not a string', { title: 't', candidates: [{ id: 1, name: 'A' }, { name: 'B' }] }, 'id'],
    ['photo_url not a string', { title: 't', candidates: [{ name: 'A', photo_url: 5 }, { name: 'B' }] }, 'photo_url'],
    ['no title', { candidates: cands(2) }, 'title'],
    ['title null', { title: null, candidates: cands(2) }, 'title'],
    ['title not a string', { title: 42, candidates: cands(2) }, 'title'],
    ['empty title', { title: '', candidates: cands(2) }, null],
    ['title of 201 chars', { title: 't'.repeat(201), candidates: cands(2) }, null],
    ['title of 201 multi-byte chars', { title: 'ç'.repeat(201), candidates: cands(2) }, null],
    ['title of 201 emoji', { title: '🎉'.repeat(201), candidates: cands(2) }, null],
    ['poll id uppercase', { id: 'Paredao', title: 't', candidates: cands(2) }, null],
    ['poll id with slash', { id: 'a/b', title: 't', candidates: cands(2) }, null],
    ['poll id of 65 chars', { id: 'p'.repeat(65), title: 't', candidates: cands(2) }, null],
    ['poll id not a string', { id: 7, title: 't', candidates: cands(2) }, 'id'],
    ['show_partial_results not a bool', { title: 't', candidates: cands(2), show_partial_results: 'yes' }, 'show_partial_results'],
    ['opens_at not a string', { title: 't', candidates: cands(2), opens_at: 1893456000 }, 'opens_at'],
    ['opens_at not a time', { title: 't', candidates: cands(2), opens_at: 'tomorrow' }, 'opens_at'],
    ['closes_at not a time', { title: 't', candidates: cands(2), closes_at: '2099-13-01T00:00:00Z' }, 'closes_at'],
    ['closes_at without offset', { title: 't', candidates: cands(2), closes_at: '2099-01-01T00:00:00' }, 'closes_at'],
    ['closes_at in the past', { title: 't', candidates: cands(2), closes_at: iso(now - HOUR) }, null],
    ['closes_at before opens_at', { title: 't', candidates: cands(2), opens_at: iso(now + 2 * HOUR), closes_at: iso(now + HOUR) }, null],
    ['closes_at equal to opens_at', { title: 't', candidates: cands(2), opens_at: iso(now + HOUR), closes_at: iso(now + HOUR) }, null],
    ['closes_at equal after offset normalisation', {
      title: 't', candidates: cands(2), opens_at: '2099-01-01T12:00:00Z', closes_at: '2099-01-01T09:00:00-03:00',
    }, null],
  ];
  for (const [name, body, field] of bad) {
    test(name, async () => {
      await expectProblem(await create(body), 400, 'invalid_request', field ? { field } : {});
    });
  }

  test('nothing was created by the refused requests', async () => {
    const { polls } = await expectJson(await adminGet(server, '/api/v1/polls'), 200);
    for (const p of polls) assert.ok(!['Paredao', 'a/b', 'p'.repeat(65)].includes(p.id));
  });

  test('an existing poll id → 409 invalid_transition, the first poll is untouched', async () => {
    const id = pid('dup');
    const first = await expectJson(await create({ id, title: 'Primeiro', candidates: cands(2) }), 201);
    await expectProblem(await create({ id, title: 'Segundo', candidates: cands(3) }), 409, 'invalid_transition');
    assert.deepEqual(await getPoll(server, id), first);
  });
});

describe('lifecycle: draft → open → closed only', () => {
  test('draft→open→closed, every other transition 409 invalid_transition', async () => {
    const id = (await createPoll(server, basicPoll({ id: pid('life') }))).id;
    await expectProblem(await adminPost(server, `/api/v1/polls/${id}/close`), 409, 'invalid_transition');
    assert.equal((await getPoll(server, id)).status, 'draft');
    const opened = await expectJson(await adminPost(server, `/api/v1/polls/${id}/open`), 200);
    assertPollShape(opened);
    assert.equal(opened.status, 'open');
    assert.equal((await getPoll(server, id)).status, 'open');
    await expectProblem(await adminPost(server, `/api/v1/polls/${id}/open`), 409, 'invalid_transition');
    const closed = await expectJson(await adminPost(server, `/api/v1/polls/${id}/close`), 200);
    assert.equal(closed.status, 'closed');
    assert.equal((await getPoll(server, id)).status, 'closed');
    await expectProblem(await adminPost(server, `/api/v1/polls/${id}/open`), 409, 'invalid_transition');
    await expectProblem(await adminPost(server, `/api/v1/polls/${id}/close`), 409, 'invalid_transition');
    assert.equal((await getPoll(server, id)).status, 'closed');
  });

  test('the status change shows at once on every route', async () => {
    const id = (await createPoll(server, basicPoll({ id: pid('atonce') }))).id;
    await openPoll(server, id);
    assert.equal((await api(server, `/api/v1/polls/${id}/challenge`)).status, 200);
    assert.equal((await expectJson(await api(server, `/api/v1/polls/${id}/results`), 200)).status, 'open');
    await closePoll(server, id);
    await expectProblem(await api(server, `/api/v1/polls/${id}/challenge`), 409, 'poll_not_open');
    assert.equal((await expectJson(await api(server, `/api/v1/polls/${id}/results`), 200)).status, 'closed');
    assert.equal((await expectJson(await adminGet(server, `/api/v1/polls/${id}/stats`), 200)).status, 'closed');
  });

  test('opening a scheduled draft early moves opens_at to now; closing early moves closes_at to now', async () => {
    const closesAt = iso(Date.now() + 2 * HOUR);
    const p = await createPoll(server, { ...basicPoll({ id: pid('early') }), opens_at: iso(Date.now() + HOUR), closes_at: closesAt });
    assert.equal(p.status, 'draft');
    const t0 = Date.now();
    const opened = await expectJson(await adminPost(server, `/api/v1/polls/${p.id}/open`), 200);
    assert.equal(opened.status, 'open');
    assert.ok(Math.abs(Date.parse(opened.opens_at) - t0) <= 2000, `opens_at ${opened.opens_at} should be now (${new Date(t0).toISOString()})`);
    assert.equal(opened.closes_at, closesAt);
    const t1 = Date.now();
    const closed = await expectJson(await adminPost(server, `/api/v1/polls/${p.id}/close`), 200);
    assert.equal(closed.status, 'closed');
    assert.equal(closed.opens_at, opened.opens_at);
    assert.ok(Math.abs(Date.parse(closed.closes_at) - t1) <= 2000, `closes_at ${closed.closes_at} should be now`);
    assert.deepEqual(await getPoll(server, p.id), closed);
  });
});

describe('list', () => {
  test('open first then closed, newest first; drafts only with the admin token', async () => {
    // A server of its own so that only these polls are listed.
    const s = await startServer();
    try {
      const mk = async (tag) => (await createPoll(s, basicPoll({ id: pid(tag) }))).id;
      const open = async (id) => expectJson(await fetch(`${s.url}/api/v1/polls/${id}/open`, { method: 'POST', headers: { authorization: `Bearer ${s.adminToken}` } }), 200);
      const close = async (id) => expectJson(await fetch(`${s.url}/api/v1/polls/${id}/close`, { method: 'POST', headers: { authorization: `Bearer ${s.adminToken}` } }), 200);
      // Whole-second gaps so that "newest" agrees whether it is read as created, opened or closed time.
      const o1 = await mk('o1'); await open(o1);
      const c1 = await mk('c1'); await open(c1); await close(c1);
      await sleep(1100);
      const d1 = await mk('d1');
      const o2 = await mk('o2'); await open(o2);
      const c2 = await mk('c2'); await open(c2); await close(c2);
      await sleep(1100);
      const o3 = await mk('o3'); await open(o3);
      const d2 = await mk('d2');

      const anon = await expectJson(await fetch(`${s.url}/api/v1/polls`), 200);
      assert.deepEqual(anon.polls.map((p) => p.id), [o3, o2, o1, c2, c1]);
      for (const p of anon.polls) assertPollShape(p);
      assert.deepEqual(anon.polls.map((p) => p.status), ['open', 'open', 'open', 'closed', 'closed']);

      const admin = await expectJson(await fetch(`${s.url}/api/v1/polls`, { headers: { authorization: `Bearer ${s.adminToken}` } }), 200);
      const ids = admin.polls.map((p) => p.id);
      assert.equal(ids.length, 7, JSON.stringify(ids));
      assert.ok(ids.includes(d1) && ids.includes(d2), 'drafts listed with the admin token');
      assert.deepEqual(ids.filter((x) => x !== d1 && x !== d2), [o3, o2, o1, c2, c1]);
      assert.equal(admin.polls.find((p) => p.id === d1).status, 'draft');
    } finally {
      await s.stop(); s.cleanup();
    }
  });
});

describe('create: more', () => {
  test('titles and names with quotes, backslashes, control characters and non-BMP text round-trip exactly', async () => {
    const title = 'Aspas "duplas", \\barra\\, nova\nlinha, tab\t, \u0001, </script>, 𝄞 e 🇧🇷';
    const names = ['Zé "Bigode"', 'Ana\\Lu', 'Ç\u00e3o 👑'];
    const p = await expectJson(await create({ title, candidates: names.map((name) => ({ name })) }), 201);
    assert.equal(p.title, title);
    assert.deepEqual(p.candidates.map((c) => c.name), names);
    const g = await getPoll(server, p.id);
    assert.equal(g.title, title);
    assert.deepEqual(g.candidates.map((c) => c.name), names);
  });

  test('names equal ignoring case also for accented letters (Élia / élia) → 400', async () => {
    // "distinct ignoring case" read with Unicode case, as names here are Portuguese.
    await expectProblem(await create({ title: 't', candidates: [{ name: 'Élia' }, { name: 'élia' }] }), 400, 'invalid_request');
    await expectProblem(await create({ title: 't', candidates: [{ name: 'JOÃO' }, { name: 'joão' }] }), 400, 'invalid_request');
  });

  test('names that differ only inside (not around) are distinct', async () => {
    const p = await expectJson(await create({ title: 't', candidates: [{ name: 'Ana Lu' }, { name: 'AnaLu' }, { name: 'Ana  Lu' }] }), 201);
    assert.equal(p.candidates.length, 3);
  });

  test('open/close with a body: over 8 KiB → 413, text/plain → 415', async () => {
    const id = (await createPoll(server, basicPoll({ id: pid('obody') }))).id;
    const auth = { authorization: `Bearer ${server.adminToken}` };
    await expectProblem(await api(server, `/api/v1/polls/${id}/open`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ pad: 'x'.repeat(9000) }) }), 413, 'payload_too_large');
    await expectProblem(await api(server, `/api/v1/polls/${id}/open`, { method: 'POST', headers: { ...auth, 'content-type': 'text/plain' }, body: 'open please' }), 415, 'unsupported_media_type');
    assert.equal((await getPoll(server, id)).status, 'draft', 'refused requests changed nothing');
    await expectJson(await api(server, `/api/v1/polls/${id}/open`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{}' }), 200);
  });

  test('open/close show at once in the voters\' list', async () => {
    const id = (await createPoll(server, basicPoll({ id: pid('listnow') }))).id;
    const listed = async () => (await expectJson(await api(server, '/api/v1/polls'), 200)).polls.find((p) => p.id === id)?.status;
    assert.equal(await listed(), undefined);
    await openPoll(server, id);
    assert.equal(await listed(), 'open');
    await closePoll(server, id);
    assert.equal(await listed(), 'closed');
  });
});
