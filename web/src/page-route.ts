// One page's route record in one line of an area's routes.ts: its path, name, lazily loaded page
// and title (i18n key), open to staff unless `meta` says otherwise (access, menu group and order,
// layout — RouteMeta in router.ts). Kept apart from router.ts, which imports every area's routes.
import type { RouteMeta, RouteRecordRaw, RouteRecordSingleView } from 'vue-router';

export function page(
  path: string,
  name: string,
  component: RouteRecordSingleView['component'],
  titleKey: string,
  meta: RouteMeta = {},
): RouteRecordRaw {
  return { path, name, component, meta: { titleKey, access: 'staff', ...meta } };
}

/** The meta of a page listed in the header menu: its group and place in it. */
export const menu = (group: RouteMeta['menu'], order: number, meta: RouteMeta = {}): RouteMeta => ({ menu: group, order, ...meta });
