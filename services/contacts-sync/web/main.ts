import { mountServicePage } from '@doitcrm/ui';
import ContactsSyncPage from './ContactsSyncPage.vue';
import './contacts-sync.css';

mountServicePage(ContactsSyncPage, { service: 'contacts-sync' });
