// Routes of the review workbench (审查工作台): the submissions list, a new submission (upload or
// draw a boundary), and one case (results on the map and in a table, human review, decision,
// signature, opinion document, trail). The server checks every role again.
import type { RouteRecordRaw } from 'vue-router';
import { menu, page } from '../../page-route.ts';

export const routes: RouteRecordRaw[] = [
  { path: '/review', redirect: '/review/cases' },
  page('/review/cases', 'review-cases', () => import('./CasesPage.vue'), 'review.cases.title', menu('review', 0)),
  // Planners and district officers submit (src/review/review.routes.ts SUBMIT); administrators pass every check.
  page(
    '/review/new',
    'review-new',
    () => import('./NewCasePage.vue'),
    'review.new.title',
    menu('review', 1, { access: ['planner', 'district'] }),
  ),
  page('/review/cases/:id(\\d+)', 'review-case', () => import('./CasePage.vue'), 'review.case.title'),
];
