import { Analytics } from './analytics.js';
import { DeadLetters } from './dead-letters.js';
import { Failed } from './failed.js';
import { NotificationDetail } from './notification-detail.js';
import { Notifications } from './notifications.js';
import { Stream } from './stream.js';
import { TemplateEditor } from './template-editor.js';
import { Templates } from './templates.js';

/** The view of a route: `/section` or `/section/<id>`. */
export function viewFor({ path }) {
  const [, section, id] = path.split('/');
  if (section === 'notifications' && id) return { title: 'Notification', View: NotificationDetail };
  if (section === 'templates' && id) return { title: 'Template', View: TemplateEditor };
  const views = {
    notifications: ['Notifications', Notifications],
    failed: ['Failed notifications', Failed],
    'dead-letters': ['Dead letters', DeadLetters],
    stream: ['Live stream', Stream],
    analytics: ['Analytics', Analytics],
    templates: ['Templates', Templates],
  };
  const [title, View] = views[section] ?? views.notifications;
  return { title, View };
}

