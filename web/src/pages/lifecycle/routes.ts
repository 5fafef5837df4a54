// Routes of the land lifecycle (土地全生命周期, domain.md §6): the land code register and a parcel's
// timeline, the warning board, idle land, approved-but-unsupplied batches, inefficient land,
// expropriation–resettlement projects and the yearly ledgers. The header menu (group 'monitor')
// lists the register and the warning board; the area's tab bar (LcNav.vue) reaches every page.
// Every signed-in role reads; the server checks each write against its own role list again.
import type { RouteRecordRaw } from 'vue-router';

export const routes: RouteRecordRaw[] = [
  { path: '/lifecycle', redirect: '/lifecycle/parcels' },
  {
    path: '/lifecycle/parcels',
    name: 'lifecycle-parcels',
    component: () => import('./ParcelsPage.vue'),
    meta: { titleKey: 'lifecycle.area', access: 'staff', menu: 'monitor', order: 20 },
  },
  {
    path: '/lifecycle/parcels/:code',
    name: 'lifecycle-timeline',
    component: () => import('./TimelinePage.vue'),
    meta: { titleKey: 'lifecycle.timeline.title', access: 'staff' },
  },
  {
    path: '/lifecycle/warnings',
    name: 'lifecycle-warnings',
    component: () => import('./WarningsPage.vue'),
    meta: { titleKey: 'lifecycle.warnings.title', access: 'staff', menu: 'monitor', order: 21 },
  },
  {
    path: '/lifecycle/idle',
    name: 'lifecycle-idle',
    component: () => import('./IdleCasesPage.vue'),
    meta: { titleKey: 'lifecycle.idle.title', access: 'staff' },
  },
  {
    path: '/lifecycle/idle/:id(\\d+)',
    name: 'lifecycle-idle-case',
    component: () => import('./IdleCasePage.vue'),
    meta: { titleKey: 'lifecycle.idleCase.title', access: 'staff' },
  },
  {
    path: '/lifecycle/unsupplied',
    name: 'lifecycle-unsupplied',
    component: () => import('./UnsuppliedPage.vue'),
    meta: { titleKey: 'lifecycle.unsupplied.title', access: 'staff' },
  },
  {
    path: '/lifecycle/inefficient',
    name: 'lifecycle-inefficient',
    component: () => import('./InefficientPage.vue'),
    meta: { titleKey: 'lifecycle.inefficient.title', access: 'staff' },
  },
  {
    path: '/lifecycle/inefficient/:id(\\d+)',
    name: 'lifecycle-inefficient-case',
    component: () => import('./InefficientCasePage.vue'),
    meta: { titleKey: 'lifecycle.ineffCase.title', access: 'staff' },
  },
  {
    path: '/lifecycle/resettlement',
    name: 'lifecycle-resettlement',
    component: () => import('./ResettlementPage.vue'),
    meta: { titleKey: 'lifecycle.resettlement.title', access: 'staff' },
  },
  {
    path: '/lifecycle/resettlement/:id(\\d+)',
    name: 'lifecycle-project',
    component: () => import('./ProjectPage.vue'),
    meta: { titleKey: 'lifecycle.project.title', access: 'staff' },
  },
  {
    path: '/lifecycle/ledgers',
    name: 'lifecycle-ledgers',
    component: () => import('./LedgersPage.vue'),
    meta: { titleKey: 'lifecycle.ledgers.title', access: 'staff' },
  },
];
