// Routes of 数据管理 (issue 17 item 5): 成果提交 with QC and diff, 入库 / 退回, version history. For
// data managers (planners), district officers (their own submissions) and administrators; the
// server checks again on every request.
import type { RouteRecordRaw } from 'vue-router';
import { menu, page } from '../../page-route.ts';

const MANAGERS = ['planner', 'district'] as const;

export const routes: RouteRecordRaw[] = [
  { path: '/data', redirect: '/data/submissions' },
  page('/data/submissions', 'data-submissions', () => import('./SubmissionsPage.vue'), 'data.submissions.title', menu('data', 0, { access: MANAGERS })),
  page('/data/submissions/:id(\\d+)', 'data-submission', () => import('./SubmissionPage.vue'), 'data.submission.title', { access: MANAGERS }),
  page('/data/versions', 'data-versions', () => import('./VersionsPage.vue'), 'data.versions.title', menu('data', 1, { access: ['planner', 'reviewer'] })),
];
