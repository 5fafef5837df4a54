// Routes of the portal area (see web/README.md). Placeholder: the area's owner adds its pages here.
import type { RouteRecordRaw } from 'vue-router';

export const routes: RouteRecordRaw[] = [];
