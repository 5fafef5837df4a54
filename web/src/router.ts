// Routes: each area owns web/src/pages/<area>/routes.ts and exports an array of routes; this file
// only concatenates them, so helpers working on different areas never edit the same file.
// Route meta (see RouteMeta below) drives the menus, the page title and the access check.
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { t } from './i18n/index.ts';
import { allowed, loadUser, signedIn, type RouteAccess } from './session.ts';
import { routes as viewer } from './pages/viewer/routes.ts';
import { routes as review } from './pages/review/routes.ts';
import { routes as portal } from './pages/portal/routes.ts';
import { routes as admin } from './pages/admin/routes.ts';
import { routes as farmland } from './pages/farmland/routes.ts';
import { routes as lifecycle } from './pages/lifecycle/routes.ts';
import { routes as indicators } from './pages/indicators/routes.ts';
import { routes as access } from './pages/access/routes.ts';
import { routes as data } from './pages/data/routes.ts';

/** Menu groups of the header, in display order; a group shows when one of its pages is allowed. */
export const MENU_GROUPS = ['map', 'review', 'monitor', 'data', 'portal', 'admin'] as const;
export type MenuGroup = (typeof MENU_GROUPS)[number];

declare module 'vue-router' {
  interface RouteMeta {
    /** i18n key of the page title (header menu entry and document title). */
    titleKey?: string;
    /** Who may open the page (default 'staff'); the server checks again on every request. */
    access?: RouteAccess;
    /** Header menu group the page is listed under; unlisted pages (details, wizards) omit it. */
    menu?: MenuGroup;
    /** Order inside the menu group (smaller first). */
    order?: number;
    /** 'bare': no staff header (the public portal, the sign-in page); default 'shell'. */
    layout?: 'shell' | 'bare';
  }
}

const shellRoutes: RouteRecordRaw[] = [
  { path: '/', name: 'home', redirect: () => (signedIn.value ? '/map' : '/login'), meta: { access: 'public' } },
  {
    path: '/login',
    name: 'login',
    component: () => import('./pages/login/LoginPage.vue'),
    meta: { titleKey: 'login.title', access: 'public', layout: 'bare' },
  },
  {
    path: '/:rest(.*)*',
    name: 'not-found',
    component: () => import('./pages/login/NotFoundPage.vue'),
    meta: { titleKey: 'notFound.title', access: 'public' },
  },
];

export const router = createRouter({
  history: createWebHistory(),
  routes: [...viewer, ...review, ...portal, ...admin, ...farmland, ...lifecycle, ...indicators, ...access, ...data, ...shellRoutes],
});

router.beforeEach(async (to) => {
  await loadUser();
  if (allowed(to.meta.access ?? 'staff')) return true;
  if (!signedIn.value) return { name: 'login', query: { next: to.fullPath } };
  return { name: 'home' };
});

router.afterEach((to) => {
  document.title = to.meta.titleKey ? `${t(to.meta.titleKey)} · ${t('app.short')}` : t('app.title');
});

/** Pages listed in the header for the current user, by menu group. */
export function menu(): { group: MenuGroup; items: { path: string; titleKey: string }[] }[] {
  const pages = router.getRoutes().filter((r) => r.meta.menu && r.meta.titleKey && allowed(r.meta.access ?? 'staff'));
  return MENU_GROUPS.map((group) => ({
    group,
    items: pages
      .filter((r) => r.meta.menu === group)
      .sort((a, b) => (a.meta.order ?? 0) - (b.meta.order ?? 0))
      .map((r) => ({ path: r.path, titleKey: r.meta.titleKey! })),
  })).filter((g) => g.items.length > 0);
}
