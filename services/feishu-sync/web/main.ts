import { mountServicePage } from '@doitcrm/ui';
import FeishuSyncPage from './FeishuSyncPage.vue';

mountServicePage(FeishuSyncPage, { service: 'feishu-sync' });
