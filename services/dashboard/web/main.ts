import { mountServicePage } from '@doitcrm/ui';
import DashboardPage from './DashboardPage.vue';
import './dashboard.css';

mountServicePage(DashboardPage, { service: 'dashboard' });
