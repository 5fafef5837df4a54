// Routes of the indicators area (指标监测, menu 'monitor'): the dashboard for the city and each
// district, the map of an indicator by district, the alert list, the yearly check-up report, and the
// registry with its targets. Every signed-in role reads; the server checks writes again.
import type { RouteRecordRaw } from 'vue-router';

export const routes: RouteRecordRaw[] = [
  { path: '/indicators', redirect: '/indicators/dashboard' },
  {
    path: '/indicators/dashboard',
    name: 'indicators-dashboard',
    component: () => import('./DashboardPage.vue'),
    meta: { titleKey: 'indicators.dashboard.title', access: 'staff', menu: 'monitor', order: 10 },
  },
  {
    path: '/indicators/map',
    name: 'indicators-map',
    component: () => import('./MapPage.vue'),
    meta: { titleKey: 'indicators.map.title', access: 'staff', menu: 'monitor', order: 11 },
  },
  {
    path: '/indicators/alerts',
    name: 'indicators-alerts',
    component: () => import('./AlertsPage.vue'),
    meta: { titleKey: 'indicators.alerts.title', access: 'staff', menu: 'monitor', order: 12 },
  },
  {
    path: '/indicators/report',
    name: 'indicators-report',
    component: () => import('./ReportPage.vue'),
    meta: { titleKey: 'indicators.report.title', access: 'staff', menu: 'monitor', order: 13 },
  },
  {
    path: '/indicators/registry',
    name: 'indicators-registry',
    component: () => import('./RegistryPage.vue'),
    meta: { titleKey: 'indicators.registry.title', access: 'staff', menu: 'monitor', order: 14 },
  },
];
