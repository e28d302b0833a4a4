import { createServiceApp } from '@doitcrm/ui';
import App from './App.vue';
import './dashboard.css';

createServiceApp(App).mount('#app');
