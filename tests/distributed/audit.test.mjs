// The audit sees a human check accepted twice, whatever let it through: a second vote with the
// challenge of a counted one, written into PostgreSQL behind the pipeline's back, makes
// `paredao reconcile --check` fail and naming it, and the running sync service count it in
// paredao_challenges_used_twice_total (the SQL audit of docs/operations.md lists it too).
// Regression: after Redis error replies, payloads already counted were counted again, and
// `reconcile --check` still reported no drift: nothing looked for a challenge used twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPoll, openPoll, vote, spawnParedao } from '../lib/harness.mjs';
import { startStack, psql, serverUrls } from '../lib/stack.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function check(stack) {
  const audit = await spawnParedao(['reconcile', '--check', '--postgres-url', stack.postgresUrl,
    '--redis-url', serverUrls().redis, '--deployment', stack.name], { readyEvent: 'audit' });
  return { exit: await audit.exited, logs: audit.logs };
}

test('a challenge recorded twice fails reconcile --check and is counted by the sync service', async () => {
  const stack = await startStack();
  try {
    const poll = await createPoll(stack, { title: 'Auditoria', candidates: [{ id: 'a', name: 'A' }, { id: 'b', name: 'B' }] });
    await openPoll(stack, poll.id);
    for (let i = 0; i < 5; i++) assert.equal((await vote(stack, poll.id, i % 2 ? 'a' : 'b')).status, 202);
    const recorded = () => Number(psql(`SELECT count(*) FROM votes WHERE poll_id = '${poll.id}'`, stack.postgresUrl));
    for (let i = 0; recorded() < 5 && i < 100; i++) await sleep(100);
    await sleep(1500);  // the reconciler catches up with Redis
    const clean = await check(stack);
    assert.deepEqual(clean.exit, { code: 0, signal: null }, JSON.stringify(clean.logs.slice(-3)));

    const challenge = psql(`SELECT challenge_id FROM votes WHERE poll_id = '${poll.id}' LIMIT 1`, stack.postgresUrl);
    // The damage, as the old bug did it: a second vote recorded, with an id of its own and the
    // same challenge.
    psql(`WITH copy AS (
            INSERT INTO votes (vote_id, accepted_at, poll_id, candidate_id, challenge_id, challenge_expires_at, batch_id)
            SELECT gen_random_uuid(), accepted_at + interval '1 second', poll_id, candidate_id, challenge_id,
                   challenge_expires_at, gen_random_uuid()
            FROM votes WHERE poll_id = '${poll.id}' AND challenge_id = '${challenge}' RETURNING *)
          INSERT INTO applied_batches (batch_id, delta, votes, first_accepted_at, last_accepted_at)
          SELECT batch_id, '[]', 1, accepted_at, accepted_at FROM copy`, stack.postgresUrl);
    assert.equal(psql(`SELECT challenge_id FROM audit_challenges_used_twice WHERE poll_id = '${poll.id}'`, stack.postgresUrl),
      challenge, 'the SQL audit lists it');

    const dirty = await check(stack);
    assert.deepEqual(dirty.exit, { code: 1, signal: null }, 'reconcile --check fails');
    const named = dirty.logs.find((l) => l.event === 'challenge_used_twice');
    assert.equal(named?.challenge_id, challenge);
    assert.equal(named?.votes, 2);

    const metricsUrl = `http://127.0.0.1:${stack.reconcilers[0].ready.metrics_port}/metrics`;
    let counted = 0;
    for (let i = 0; i < 50 && counted !== 1; i++) {
      const text = await (await fetch(metricsUrl)).text();
      counted = Number(new RegExp(`paredao_challenges_used_twice_total\\{poll_id="${poll.id}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
      if (counted !== 1) await sleep(200);
    }
    assert.equal(counted, 1, 'the sync service counted it once');
  } finally {
    await stack.stop();
    stack.cleanup();
  }
});
