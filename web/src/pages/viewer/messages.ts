// Messages of the viewer area, keys prefixed 'viewer.' (see web/README.md).
import type { Messages } from '../../i18n/index.ts';

export const messages: Messages = { zh: { 'viewer.title': '一张图' }, en: { 'viewer.title': 'One Map' } };
