// Login throttling (issue 22 item 9): after 5 wrong passwords for one account within 15 minutes
// the right password is refused too (429, Retry-After, a Chinese message saying how long), other
// accounts are unaffected; one address trying many accounts is stopped after 20 failures.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { testDatabases } from './helpers/db.ts';
import { buildApp } from '../src/server/app.ts';
import { addUser, LOGIN_THROTTLE } from '../src/auth/users.service.ts';

for (const tdb of testDatabases()) {
  describe(`login throttling on ${tdb.name}`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    let app: FastifyInstance;
    before(async () => {
      h = await tdb.open();
      app = await buildApp({ db: h.db, config: h.config });
      await addUser(h.db, h.config.districts, { username: '王规划', role: 'planner', password: 'correct horse 1' }, 'test');
      await addUser(h.db, h.config.districts, { username: '李审查', role: 'reviewer', password: 'correct horse 2' }, 'test');
    });
    after(async () => {
      await app.close();
      await h.close();
    });
    const login = (username: string, password: string, ip = '10.0.0.1') =>
      app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress: ip });

    test('an account: the right password after too many wrong ones is refused, with how long to wait', async () => {
      // A success resets the count: 4 failures, a success, 4 failures still let the right one in.
      for (let i = 0; i < LOGIN_THROTTLE.perUser - 1; i++) assert.equal((await login('王规划', `wrong ${i}`)).statusCode, 401);
      assert.equal((await login('王规划', 'correct horse 1')).statusCode, 200);
      for (let i = 0; i < LOGIN_THROTTLE.perUser; i++) assert.equal((await login('王规划', `wrong ${i}`, `10.0.1.${i}`)).statusCode, 401);
      const locked = await login('王规划', 'correct horse 1', '10.0.2.1');
      assert.equal(locked.statusCode, 429);
      assert.match(locked.json().error, /账号“王规划”在 15 分钟内登录失败 5 次.*分钟后再试/);
      const wait = Number(locked.headers['retry-after']);
      assert.ok(wait > 0 && wait <= 15 * 60, `Retry-After ${wait} s`);
      // Another account from the same addresses is not affected.
      assert.equal((await login('李审查', 'correct horse 2', '10.0.1.0')).statusCode, 200);
    });

    test('an address trying many accounts is stopped', async () => {
      for (let i = 0; i < LOGIN_THROTTLE.perAddress; i++) {
        const r = await login(`猜测用户${i}`, 'x', '10.9.9.9');
        assert.equal(r.statusCode, 401, `attempt ${i + 1}`);
      }
      const stopped = await login('李审查', 'correct horse 2', '10.9.9.9');
      assert.equal(stopped.statusCode, 429);
      assert.match(stopped.json().error, /此地址在 15 分钟内登录失败 20 次/);
      // The same account from another address still signs in.
      assert.equal((await login('李审查', 'correct horse 2', '10.9.9.10')).statusCode, 200);
    });
  });
}
