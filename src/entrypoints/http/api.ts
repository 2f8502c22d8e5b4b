import { OpenAPIRegistry, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import express, { type Request, type RequestHandler, type Response, Router } from 'express';
import type { ApiKeyScope } from '../../domain/api-key-scope.js';
import { withCorrelationId } from '../../adapters/observability/correlation.js';
import { MAX_JSON_DEPTH, tooDeepField } from '../json-depth.js';
import type { ApiKeyAuthenticator } from '../services.js';
import { requireScope } from './auth.js';
import { Problem } from './problem.js';
import { ProblemSchema } from './schemas.js';
import { parse } from './validation.js';
import { type z } from './zod.js';

type Schema = z.ZodType;

export interface RouteSpec<P extends Schema, Q extends Schema, B extends Schema> {
  readonly method: 'get' | 'post' | 'put' | 'delete';
  /** Express syntax: `/notifications/preferences/:userid`. */
  readonly path: string;
  readonly summary: string;
  /** What the route does beyond its summary (what a health endpoint checks, say). */
  readonly description?: string;
  readonly tag: string;
  readonly scope?: ApiKeyScope;
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  /** The body is an HTML form (application/x-www-form-urlencoded), as providers' callbacks post it; default JSON. */
  readonly form?: boolean;
  readonly responses: Readonly<Record<number, { readonly description: string; readonly schema?: Schema }>>;
  readonly handle: (input: { params: z.output<P>; query: z.output<Q>; body: z.output<B> }, res: Response, req: Request) => Promise<void>;
}

const PROBLEM_RESPONSES = {
  400: 'Invalid request: malformed JSON, JSON nested deeper than 32 levels, wrong types, missing or unknown fields',
  401: 'Missing or invalid API key',
  403: 'The API key lacks the scope',
  413: 'Body too large',
  415: 'Body is not JSON',
} as const;

function problemContent(description: string) {
  return { description, content: { 'application/problem+json': { schema: ProblemSchema } } };
}

/** Routes whose validation and OpenAPI description come from the same zod schemas. */
export class Api {
  readonly registry = new OpenAPIRegistry();
  readonly router = Router();
  private readonly json: RequestHandler;
  private readonly form: RequestHandler;

  constructor(
    private readonly authenticator: ApiKeyAuthenticator,
    bodyLimitBytes: number,
  ) {
    this.registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
    this.json = express.json({ limit: bodyLimitBytes, strict: true, type: ['application/json', 'application/*+json'] });
    this.form = express.urlencoded({ extended: false, limit: bodyLimitBytes, parameterLimit: 100, type: FORM });
  }

  route<P extends Schema, Q extends Schema, B extends Schema>(spec: RouteSpec<P, Q, B>): void {
    this.describe(spec);
    const chain: RequestHandler[] = [];
    if (spec.scope) chain.push(requireScope(this.authenticator, spec.scope));
    if (spec.body) chain.push(...(spec.form ? [requireForm, this.form] : [requireJson, this.json, refuseTooDeep]));
    chain.push((req, res) =>
      withCorrelationId(res.locals.correlationId as string, () => {
        const input = {
          params: spec.params ? parse(spec.params, req.params, 'path') : undefined,
          query: spec.query ? parse(spec.query, { ...req.query }, 'query') : undefined,
          body: spec.body ? parse(spec.body, req.body, 'body') : undefined,
        } as { params: z.output<P>; query: z.output<Q>; body: z.output<B> };
        return spec.handle(input, res, req);
      }),
    );
    this.router[spec.method](spec.path, ...chain);
  }

  private describe<P extends Schema, Q extends Schema, B extends Schema>(spec: RouteSpec<P, Q, B>): void {
    const responses: RouteConfig['responses'] = {};
    for (const [status, { description, schema }] of Object.entries(spec.responses)) {
      if (Number(status) >= 400) responses[status] = problemContent(description);
      else responses[status] = schema ? { description, content: { 'application/json': { schema } } } : { description };
    }
    const implied: Array<[keyof typeof PROBLEM_RESPONSES, boolean]> = [
      [400, true],
      [401, spec.scope !== undefined],
      [403, spec.scope !== undefined],
      [413, spec.body !== undefined],
      [415, spec.body !== undefined],
    ];
    for (const [status, applies] of implied) if (applies) responses[status] ??= problemContent(PROBLEM_RESPONSES[status]);
    this.registry.registerPath({
      method: spec.method,
      path: spec.path.replace(/:(\w+)/g, '{$1}'),
      summary: spec.summary,
      tags: [spec.tag],
      ...(spec.scope ? { security: [{ bearer: [] }] } : {}),
      ...(spec.description || spec.scope ? { description: [spec.description, spec.scope && `Requires the scope \`${spec.scope}\`.`].filter(Boolean).join(' ') } : {}),
      request: {
        ...(spec.params ? { params: spec.params as never } : {}),
        ...(spec.query ? { query: spec.query as never } : {}),
        ...(spec.body ? { body: { required: true, content: { [spec.form ? FORM : 'application/json']: { schema: spec.body } } } } : {}),
      },
      responses,
    });
  }
}

/** A body that is not JSON is refused rather than read as empty. */
const requireJson: RequestHandler = (req, _res, next) => {
  if (!req.is(['application/json', 'application/*+json'])) {
    throw new Problem(415, 'Unsupported media type', 'The body must be JSON (Content-Type: application/json)', [
      { field: 'content-type', message: 'must be application/json' },
    ]);
  }
  next();
};

const FORM = 'application/x-www-form-urlencoded';

const requireForm: RequestHandler = (req, _res, next) => {
  if (!req.is(FORM)) throw new Problem(415, 'Unsupported media type', `The body must be a form (Content-Type: ${FORM})`, [{ field: 'content-type', message: `must be ${FORM}` }]);
  next();
};

/** Deep JSON is refused before validation, the NUL check or the idempotency hash recurse into it. */
const refuseTooDeep: RequestHandler = (req, _res, next) => {
  const field = tooDeepField(req.body);
  if (field !== null) throw Problem.validation([{ field: field || 'body', message: `too_deep: nested deeper than ${MAX_JSON_DEPTH} levels` }]);
  next();
};
