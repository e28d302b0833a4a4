import { mountServicePage } from '@doitcrm/ui';
import MessagesPage from './MessagesPage.vue';
import './messages.css';

mountServicePage(MessagesPage, { service: 'messages' });
