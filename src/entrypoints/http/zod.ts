import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

// Must run before any schema is built: every schema module imports `z` from here.
extendZodWithOpenApi(z);

export { z };
