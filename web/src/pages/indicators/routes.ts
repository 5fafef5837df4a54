// Routes of the indicators area (指标监测, menu 'monitor'): the dashboard for the city and each
// district, the map of an indicator by district, the alert list, the yearly check-up report, and the
// registry with its targets. Every signed-in role reads; the server checks writes again.
import type { RouteRecordRaw } from 'vue-router';
import { menu, page } from '../../page-route.ts';

export const routes: RouteRecordRaw[] = [
  { path: '/indicators', redirect: '/indicators/dashboard' },
  page(
    '/indicators/dashboard',
    'indicators-dashboard',
    () => import('./DashboardPage.vue'),
    'indicators.dashboard.title',
    menu('monitor', 10),
  ),
  page('/indicators/map', 'indicators-map', () => import('./MapPage.vue'), 'indicators.map.title', menu('monitor', 11)),
  page('/indicators/alerts', 'indicators-alerts', () => import('./AlertsPage.vue'), 'indicators.alerts.title', menu('monitor', 12)),
  page('/indicators/report', 'indicators-report', () => import('./ReportPage.vue'), 'indicators.report.title', menu('monitor', 13)),
  page('/indicators/registry', 'indicators-registry', () => import('./RegistryPage.vue'), 'indicators.registry.title', menu('monitor', 14)),
];
