// Messages of the indicators area, keys prefixed 'indicators.' (see web/README.md).
import type { Messages } from '../../i18n/index.ts';

export const messages: Messages = { zh: {}, en: {} };
