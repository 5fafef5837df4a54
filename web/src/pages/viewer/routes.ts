// Routes of the One Map viewer (一张图).
import type { RouteRecordRaw } from 'vue-router';

const page = () => import('./ViewerPage.vue');
// Opening /map directly (a bookmark, a reload, the start page after sign-in): fetch the page's
// code (MapLibre is in it) while the shell still asks who is signed in, not after — the first
// map paint is measured (bench:web) and this takes one round trip off it.
if (typeof location !== 'undefined' && location.pathname === '/map') void page();

export const routes: RouteRecordRaw[] = [
  { path: '/map', name: 'viewer', component: page, meta: { titleKey: 'viewer.title', access: 'staff', menu: 'map', order: 0 } },
];
