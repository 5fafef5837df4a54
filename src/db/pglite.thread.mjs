// Entry of the embedded database's worker thread (pglite-worker.ts). A worker does not inherit
// the TypeScript loader of the thread that starts it, so it registers tsx itself, then loads the
// worker's code.
import { register } from 'tsx/esm/api';

register();
await import('./pglite.thread.ts');
