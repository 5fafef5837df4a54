#!/usr/bin/env node
// Entry point: runs the TypeScript sources through tsx (no build step for the server side).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
const argv = process.argv.slice(2);
const code = await main(argv);
// Servers keep running; every other command ends here with its status.
if (!['start', 'serve'].includes(argv[0]) || code !== 0) process.exit(code);
