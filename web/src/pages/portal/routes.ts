// Routes of 规划一点通: the public portal (anonymous, no staff header) and the staff page where
// planners publish consultations and moderate the public's comments.
import type { RouteRecordRaw } from 'vue-router';
import { menu, page } from '../../page-route.ts';

export const routes: RouteRecordRaw[] = [
  page('/portal', 'portal', () => import('./PortalPage.vue'), 'portal.title', menu('portal', 0, { access: 'public', layout: 'bare' })),
  page(
    '/portal/manage',
    'portal-manage',
    () => import('./manage/ManagePage.vue'),
    'portal.manage.title',
    menu('portal', 1, { access: ['planner'] }),
  ),
];
