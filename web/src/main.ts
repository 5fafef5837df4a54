// Entry point: the shell (App.vue), the router and the global styles. Pages load on demand.
import { createApp } from 'vue';
import App from './App.vue';
import { router } from './router.ts';
import { lang } from './i18n/index.ts';
import './styles/tokens.css';
import './style.css';
import './styles/common.css';

document.documentElement.lang = lang.value === 'zh' ? 'zh-CN' : 'en';
createApp(App).use(router).mount('#app');
