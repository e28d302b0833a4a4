import { createServiceApp } from '@doitcrm/ui';
import App from './App.vue';
import './messages.css';

createServiceApp(App).mount('#app');
