import { createServiceApp } from '@doitcrm/ui';
import App from './App.vue';
import './mapper.css';

createServiceApp(App).mount('#app');
