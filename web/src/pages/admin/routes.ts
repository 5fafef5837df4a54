// Routes of the administration pages (系统管理), administrators only; the server checks again.
import type { RouteRecordRaw } from 'vue-router';

const ADMIN = ['admin'] as const;

export const routes: RouteRecordRaw[] = [
  { path: '/admin', redirect: '/admin/users' },
  {
    path: '/admin/users',
    name: 'admin-users',
    component: () => import('./UsersPage.vue'),
    meta: { titleKey: 'admin.users.title', access: ADMIN, menu: 'admin', order: 0 },
  },
  {
    path: '/admin/layers',
    name: 'admin-layers',
    component: () => import('./LayersPage.vue'),
    meta: { titleKey: 'admin.layers.title', access: ADMIN, menu: 'admin', order: 1 },
  },
  {
    path: '/admin/rulesets',
    name: 'admin-rulesets',
    component: () => import('./RulesetsPage.vue'),
    meta: { titleKey: 'admin.rulesets.title', access: ADMIN, menu: 'admin', order: 2 },
  },
  {
    path: '/admin/audit',
    name: 'admin-audit',
    component: () => import('./AuditPage.vue'),
    meta: { titleKey: 'admin.audit.title', access: ADMIN, menu: 'admin', order: 3 },
  },
];
