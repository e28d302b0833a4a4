import { mountServicePage } from '@doitcrm/ui';
import MapperPage from './MapperPage.vue';
import './mapper.css';

mountServicePage(MapperPage, { service: 'mapper' });
