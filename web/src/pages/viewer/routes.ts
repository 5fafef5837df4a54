// Routes of the One Map viewer (一张图).
import type { RouteRecordRaw } from 'vue-router';
import { menu, page } from '../../page-route.ts';

const viewer = () => import('./ViewerPage.vue');
// Opening /map directly (a bookmark, a reload, the start page after sign-in): fetch the page's
// code (MapLibre is in it) while the shell still asks who is signed in, not after — the first
// map paint is measured (bench:web) and this takes one round trip off it.
if (typeof location !== 'undefined' && location.pathname === '/map') void viewer();

export const routes: RouteRecordRaw[] = [page('/map', 'viewer', viewer, 'viewer.title', menu('map', 0))];
