import { mountServicePage } from '@doitcrm/ui';
import RosterPage from './RosterPage.vue';

mountServicePage(RosterPage, { service: 'roster' });
