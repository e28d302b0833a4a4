import { mountServicePage } from '@doitcrm/ui';
import DispatcherPage from './DispatcherPage.vue';
import './dispatcher.css';

mountServicePage(DispatcherPage, { service: 'dispatcher' });
