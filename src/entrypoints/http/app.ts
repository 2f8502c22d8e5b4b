import express, { type Express } from 'express';
import swaggerUi from 'swagger-ui-express';
import type { AppContainer } from '../bootstrap.js';
import { Api } from './api.js';
import { openApiDocument } from './openapi.js';
import { Problem, errorHandler, sendProblem } from './problem.js';
import { observeRequests } from './request-observer.js';
import { apiKeyRoutes } from './routes/api-keys.routes.js';
import { historyRoutes } from './routes/history.routes.js';
import { notificationRoutes } from './routes/notifications.routes.js';
import { opsRoutes } from './routes/ops.routes.js';
import { preferencesRoutes } from './routes/preferences.routes.js';

export function createHttpApp(app: AppContainer): Express {
  const config = app.get('config');
  const logger = app.get('logger');
  const api = new Api(app.get('authenticator'), config.httpBodyLimitBytes);
  preferencesRoutes(api, app);
  historyRoutes(api, app);
  notificationRoutes(api, app);
  apiKeyRoutes(api, app);
  opsRoutes(api, app);
  const document = openApiDocument(api);

  const http = express();
  http.disable('x-powered-by');
  http.set('query parser', 'simple');
  http.use(observeRequests(logger, app.get('metrics')));
  http.get('/openapi.json', (_req, res) => void res.json(document));
  http.use('/documentation', swaggerUi.serve, swaggerUi.setup(document));
  http.use(api.router);
  http.use((req, res) => sendProblem(res, new Problem(404, 'Not found', `No route for ${req.method} ${req.path}`), req.path));
  http.use(errorHandler(logger));
  return http;
}
