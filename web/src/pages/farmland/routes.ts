// Routes of the farmland area (耕地保护, domain.md §7): the accounts dashboard, the 多田套合 map, the
// balance ledgers, the patrol case board and the consolidation project checks. The header menu
// (group 'monitor') lists the dashboard and the case board; the area's tab bar (FmNav.vue) reaches
// every page. Every signed-in role reads; the server checks each write against its roles again.
import type { RouteRecordRaw } from 'vue-router';

export const routes: RouteRecordRaw[] = [
  { path: '/farmland', redirect: '/farmland/accounts' },
  {
    path: '/farmland/accounts',
    name: 'farmland-accounts',
    component: () => import('./AccountsPage.vue'),
    meta: { titleKey: 'farmland.accounts.title', access: 'staff', menu: 'monitor', order: 10 },
  },
  {
    path: '/farmland/taohe',
    name: 'farmland-taohe',
    component: () => import('./TaohePage.vue'),
    meta: { titleKey: 'farmland.taohe.title', access: 'staff' },
  },
  {
    path: '/farmland/ledger',
    name: 'farmland-ledger',
    component: () => import('./LedgerPage.vue'),
    meta: { titleKey: 'farmland.ledger.title', access: 'staff' },
  },
  {
    path: '/farmland/cases',
    name: 'farmland-cases',
    component: () => import('./CasesPage.vue'),
    meta: { titleKey: 'farmland.cases.title', access: 'staff', menu: 'monitor', order: 11 },
  },
  {
    path: '/farmland/projects',
    name: 'farmland-projects',
    component: () => import('./ProjectsPage.vue'),
    meta: { titleKey: 'farmland.projects.title', access: 'staff' },
  },
];
