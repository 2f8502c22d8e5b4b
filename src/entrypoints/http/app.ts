import express, { type Express } from 'express';
import swaggerUi from 'swagger-ui-express';
import { consoleFiles } from '../console/console-files.js';
import { consoleRouter } from '../console/console-router.js';
import { Api } from './api.js';
import type { HttpDeps } from './http-deps.js';
import { LiveOpenApiDocument } from './live-openapi-document.js';
import { openApiDocument } from './openapi.js';
import { Problem, errorHandler, sendProblem } from './problem.js';
import { observeRequests } from './request-observer.js';
import { apiKeyRoutes } from './routes/api-keys.routes.js';
import { auditRoutes } from './routes/audit.routes.js';
import { bulkRetryRoutes } from './routes/bulk-retry.routes.js';
import { publishRoutes } from './routes/publish.routes.js';
import { batchRoutes } from './routes/batch.routes.js';
import { feedRoutes } from './routes/feed.routes.js';
import { historyRoutes } from './routes/history.routes.js';
import { notificationRoutes } from './routes/notifications.routes.js';
import { notificationSearchRoutes } from './routes/notification-search.routes.js';
import { opsRoutes } from './routes/ops.routes.js';
import { providerRoutes } from './routes/providers.routes.js';
import { preferencesRoutes } from './routes/preferences.routes.js';
import { scheduleRoutes } from './routes/schedules.routes.js';
import { sendShapeRoutes } from './routes/send-shapes.routes.js';
import { streamTicketRoutes } from './routes/stream-tickets.routes.js';
import { suppressionRoutes } from './routes/suppressions.routes.js';
import { templateRoutes } from './routes/templates.routes.js';
import { v1TemplateRoutes } from './routes/v1-templates.routes.js';
import { v1UserRoutes } from './routes/v1-users.routes.js';

export function createHttpApp(deps: HttpDeps): Express {
  const { logger, metrics } = deps;
  const api = new Api(deps.authenticator, deps.bodyLimitBytes);
  preferencesRoutes(api, deps);
  historyRoutes(api, deps);
  notificationRoutes(api, deps);
  batchRoutes(api, deps);
  apiKeyRoutes(api, deps);
  sendShapeRoutes(api, deps);
  scheduleRoutes(api, deps);
  templateRoutes(api, deps);
  v1TemplateRoutes(api, deps);
  v1UserRoutes(api, deps);
  opsRoutes(api, deps);
  providerRoutes(api, deps);
  suppressionRoutes(api, deps);
  feedRoutes(api, deps);
  streamTicketRoutes(api, deps);
  auditRoutes(api, deps);
  bulkRetryRoutes(api, deps);
  publishRoutes(api, deps);
  // Last: GET /notifications/:id must not shadow the routes of other GET /notifications/... paths.
  notificationSearchRoutes(api, deps);
  const document = new LiveOpenApiDocument(openApiDocument(api), deps.queries.templates);

  const http = express();
  http.disable('x-powered-by');
  http.set('query parser', 'simple');
  http.use(observeRequests(logger, metrics));
  http.get('/openapi.json', async (_req, res) => void res.json(await document.current()));
  // The UI loads /openapi.json itself, so it shows the templates as they are now.
  http.use('/documentation', swaggerUi.serve, swaggerUi.setup(undefined, { swaggerUrl: '/openapi.json' }));
  http.use(consoleRouter(consoleFiles()));
  http.use(api.router);
  http.use((req, res) => sendProblem(res, new Problem(404, 'Not found', `No route for ${req.method} ${req.path}`), req.path));
  http.use(errorHandler(logger));
  return http;
}
