import { mountServicePage } from '@doitcrm/ui';
import EtlPage from './EtlPage.vue';

mountServicePage(EtlPage, { service: 'etl' });
