// Routes of 规划一点通: the public portal (anonymous, no staff header) and the staff page where
// planners publish consultations and moderate the public's comments.
import type { RouteRecordRaw } from 'vue-router';

export const routes: RouteRecordRaw[] = [
  {
    path: '/portal',
    name: 'portal',
    component: () => import('./PortalPage.vue'),
    meta: { titleKey: 'portal.title', access: 'public', layout: 'bare', menu: 'portal', order: 0 },
  },
  {
    path: '/portal/manage',
    name: 'portal-manage',
    component: () => import('./manage/ManagePage.vue'),
    meta: { titleKey: 'portal.manage.title', access: ['planner'], menu: 'portal', order: 1 },
  },
];
