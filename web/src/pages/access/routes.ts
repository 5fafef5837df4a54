// Routes of the 15-minute life circle (15分钟生活圈, menu 'monitor'): walking access to the daily
// facilities and the residential land they cover, over the /api/access endpoints. Any signed-in
// role reads; a new computation is for planners (the server checks again).
import type { RouteRecordRaw } from 'vue-router';

export const routes: RouteRecordRaw[] = [
  {
    path: '/access',
    name: 'access-life-circle',
    component: () => import('./LifeCirclePage.vue'),
    meta: { titleKey: 'access.title', access: 'staff', menu: 'monitor', order: 30 },
  },
];
