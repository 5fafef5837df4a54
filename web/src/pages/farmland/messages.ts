// Messages of the farmland area, keys prefixed 'farmland.' (see web/README.md).
import type { Messages } from '../../i18n/index.ts';

export const messages: Messages = { zh: {}, en: {} };
