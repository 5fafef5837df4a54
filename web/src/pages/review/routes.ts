// Routes of the review workbench (审查工作台): the submissions list, a new submission (upload or
// draw a boundary), and one case (results on the map and in a table, human review, decision,
// signature, opinion document, trail). The server checks every role again.
import type { RouteRecordRaw } from 'vue-router';

export const routes: RouteRecordRaw[] = [
  { path: '/review', redirect: '/review/cases' },
  {
    path: '/review/cases',
    name: 'review-cases',
    component: () => import('./CasesPage.vue'),
    meta: { titleKey: 'review.cases.title', access: 'staff', menu: 'review', order: 0 },
  },
  // Planners and district officers submit (src/review/review.routes.ts SUBMIT); administrators pass every check.
  {
    path: '/review/new',
    name: 'review-new',
    component: () => import('./NewCasePage.vue'),
    meta: { titleKey: 'review.new.title', access: ['planner', 'district'], menu: 'review', order: 1 },
  },
  {
    path: '/review/cases/:id(\\d+)',
    name: 'review-case',
    component: () => import('./CasePage.vue'),
    meta: { titleKey: 'review.case.title', access: 'staff' },
  },
];
