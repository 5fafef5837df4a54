// Messages of the portal area, keys prefixed 'portal.' (see web/README.md).
import type { Messages } from '../../i18n/index.ts';

export const messages: Messages = { zh: {}, en: {} };
