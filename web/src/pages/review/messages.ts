// Messages of the review area, keys prefixed 'review.' (see web/README.md).
import type { Messages } from '../../i18n/index.ts';

export const messages: Messages = { zh: {}, en: {} };
