import { createServiceApp } from '@doitcrm/ui';
import App from './App.vue';

createServiceApp(App).mount('#app');
