// Routes of the land lifecycle (土地全生命周期, domain.md §6): the land code register and a parcel's
// timeline, the warning board, idle land, approved-but-unsupplied batches, inefficient land,
// expropriation–resettlement projects and the yearly ledgers. The header menu (group 'monitor')
// lists the register and the warning board; the area's tab bar (LcNav.vue) reaches every page.
// Every signed-in role reads; the server checks each write against its own role list again.
import type { RouteRecordRaw } from 'vue-router';
import { menu, page } from '../../page-route.ts';

export const routes: RouteRecordRaw[] = [
  { path: '/lifecycle', redirect: '/lifecycle/parcels' },
  page('/lifecycle/parcels', 'lifecycle-parcels', () => import('./ParcelsPage.vue'), 'lifecycle.area', menu('monitor', 20)),
  page('/lifecycle/parcels/:code', 'lifecycle-timeline', () => import('./TimelinePage.vue'), 'lifecycle.timeline.title'),
  page('/lifecycle/warnings', 'lifecycle-warnings', () => import('./WarningsPage.vue'), 'lifecycle.warnings.title', menu('monitor', 21)),
  page('/lifecycle/idle', 'lifecycle-idle', () => import('./IdleCasesPage.vue'), 'lifecycle.idle.title'),
  page('/lifecycle/idle/:id(\\d+)', 'lifecycle-idle-case', () => import('./IdleCasePage.vue'), 'lifecycle.idleCase.title'),
  page('/lifecycle/unsupplied', 'lifecycle-unsupplied', () => import('./UnsuppliedPage.vue'), 'lifecycle.unsupplied.title'),
  page('/lifecycle/inefficient', 'lifecycle-inefficient', () => import('./InefficientPage.vue'), 'lifecycle.inefficient.title'),
  page(
    '/lifecycle/inefficient/:id(\\d+)',
    'lifecycle-inefficient-case',
    () => import('./InefficientCasePage.vue'),
    'lifecycle.ineffCase.title',
  ),
  page('/lifecycle/resettlement', 'lifecycle-resettlement', () => import('./ResettlementPage.vue'), 'lifecycle.resettlement.title'),
  page('/lifecycle/resettlement/:id(\\d+)', 'lifecycle-project', () => import('./ProjectPage.vue'), 'lifecycle.project.title'),
  page('/lifecycle/ledgers', 'lifecycle-ledgers', () => import('./LedgersPage.vue'), 'lifecycle.ledgers.title'),
];
