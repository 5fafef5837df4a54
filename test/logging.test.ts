// The server log (issue 22 item 9): an internal error is logged with its stack under a request id
// that the 500 answer and the X-Request-Id header give the user; credentials are never logged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { testDatabases } from './helpers/db.ts';
import { authHeaders } from './helpers/auth.ts';
import { buildApp } from '../src/server/app.ts';
import { loggerOptions } from '../src/server/logging.ts';

test('a 500 names its request id; the log has the error under that id and no credentials', async () => {
  const [tdb] = testDatabases();
  const h = await tdb.open();
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  const app = await buildApp({ db: h.db, config: h.config, logger: loggerOptions('info', sink) });
  // A route that fails the way a bug does (registered by the test, before the app is ready).
  app.get('/api/test-boom', { config: { access: 'public' } }, async () => {
    throw new Error('boom in the handler');
  });
  try {
    const staff = await authHeaders(h.db, 'admin');
    const r = await app.inject({ url: '/api/test-boom', headers: staff });
    // A bearer token that is refused: the token is not logged either.
    assert.equal((await app.inject({ url: '/api/layers', headers: { authorization: 'Bearer om_secret_token_value' } })).statusCode, 401);
    assert.equal(r.statusCode, 500);
    const id = String(r.headers['x-request-id']);
    assert.match(id, /^[0-9a-f]{12}$/);
    assert.match(r.json().error, new RegExp(`服务器内部错误.*请求编号 ${id}`));
    assert.doesNotMatch(r.body, /boom in the handler/, 'no internals in the answer');
    const logged = lines.map((l) => JSON.parse(l) as { reqId?: string; err?: { message?: string; stack?: string }; msg?: string });
    const err = logged.find((l) => l.reqId === id && l.err);
    assert.ok(err, `the error is logged under ${id}`);
    assert.match(err!.err!.message ?? '', /boom in the handler/);
    assert.match(err!.err!.stack ?? '', /logging\.test\.ts/);
    // Sign in: the password and the session cookie never reach the log.
    await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'nobody', password: 'hunter2-secret' } });
    const all = lines.join('\n');
    for (const secret of ['om_secret_token_value', 'hunter2-secret', 'onemap_session='])
      assert.ok(!all.includes(secret), `${secret} is not logged`);
  } finally {
    await app.close();
    await h.close();
  }
});
