// Routes of the One Map viewer (一张图).
import type { RouteRecordRaw } from 'vue-router';

export const routes: RouteRecordRaw[] = [
  { path: '/map', name: 'viewer', component: () => import('./ViewerPage.vue'), meta: { titleKey: 'viewer.title', access: 'staff', menu: 'map', order: 0 } },
];
