// Routes of the farmland area (耕地保护, domain.md §7): the accounts dashboard, the 多田套合 map, the
// balance ledgers, the patrol case board and the consolidation project checks. The header menu
// (group 'monitor') lists the dashboard and the case board; the area's tab bar (FmNav.vue) reaches
// every page. Every signed-in role reads; the server checks each write against its roles again.
import type { RouteRecordRaw } from 'vue-router';
import { menu, page } from '../../page-route.ts';

export const routes: RouteRecordRaw[] = [
  { path: '/farmland', redirect: '/farmland/accounts' },
  page('/farmland/accounts', 'farmland-accounts', () => import('./AccountsPage.vue'), 'farmland.accounts.title', menu('monitor', 10)),
  page('/farmland/taohe', 'farmland-taohe', () => import('./TaohePage.vue'), 'farmland.taohe.title'),
  page('/farmland/ledger', 'farmland-ledger', () => import('./LedgerPage.vue'), 'farmland.ledger.title'),
  page('/farmland/cases', 'farmland-cases', () => import('./CasesPage.vue'), 'farmland.cases.title', menu('monitor', 11)),
  page('/farmland/projects', 'farmland-projects', () => import('./ProjectsPage.vue'), 'farmland.projects.title'),
];
