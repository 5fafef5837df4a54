// Messages of the lifecycle area, keys prefixed 'lifecycle.' (see web/README.md).
import type { Messages } from '../../i18n/index.ts';

export const messages: Messages = { zh: {}, en: {} };
