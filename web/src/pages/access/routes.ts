// Routes of the 15-minute life circle (15分钟生活圈, menu 'monitor'): walking access to the daily
// facilities and the residential land they cover, over the /api/access endpoints. Any signed-in
// role reads; a new computation is for planners (the server checks again).
import type { RouteRecordRaw } from 'vue-router';
import { menu, page } from '../../page-route.ts';

export const routes: RouteRecordRaw[] = [
  page('/access', 'access-life-circle', () => import('./LifeCirclePage.vue'), 'access.title', menu('monitor', 30)),
];
