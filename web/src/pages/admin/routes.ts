// Routes of the administration pages (系统管理), administrators only; the server checks again.
import type { RouteRecordRaw } from 'vue-router';
import { menu, page } from '../../page-route.ts';

const ADMIN = ['admin'] as const;

export const routes: RouteRecordRaw[] = [
  { path: '/admin', redirect: '/admin/users' },
  page('/admin/users', 'admin-users', () => import('./UsersPage.vue'), 'admin.users.title', menu('admin', 0, { access: ADMIN })),
  page('/admin/layers', 'admin-layers', () => import('./LayersPage.vue'), 'admin.layers.title', menu('admin', 1, { access: ADMIN })),
  page(
    '/admin/rulesets',
    'admin-rulesets',
    () => import('./RulesetsPage.vue'),
    'admin.rulesets.title',
    menu('admin', 2, { access: ADMIN }),
  ),
  page('/admin/audit', 'admin-audit', () => import('./AuditPage.vue'), 'admin.audit.title', menu('admin', 3, { access: ADMIN })),
];
