// The web client's types (web/src/api/openapi.d.ts) are generated from the route schemas and
// committed; this fails when a schema changed and nobody generated them again (npm run gen:client).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { generateClient, CLIENT_FILE } from '../scripts/gen-client.ts';

test('the committed web client matches the route schemas', async () => {
  const fresh = await generateClient();
  const committed = readFileSync(CLIENT_FILE, 'utf8');
  assert.ok(committed === fresh, 'web/src/api/openapi.d.ts is stale: run `npm run gen:client` and commit it');
  assert.match(committed, /"\/api\/layers\/\{code\}"/, 'the client names the API paths');
});
