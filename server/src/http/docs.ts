/** The browsable API page at /api/docs: Swagger UI (swagger-ui-dist) reading /api/docs.json, no inline script. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const swaggerDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const assets: Record<string, { type: string; content: string | Buffer } | undefined> = {};
const served: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};

export function docsAsset(file: string): { type: string; content: string | Buffer } | undefined {
  if (file === 'init.js') {
    return {
      type: 'text/javascript; charset=utf-8',
      content: "window.ui = SwaggerUIBundle({ url: '/api/docs.json', dom_id: '#api' });\n",
    };
  }
  const type = served[file];
  if (!type) return undefined;
  assets[file] ??= { type, content: readFileSync(join(swaggerDir, file)) };
  return assets[file];
}

export function docsPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>PRM inside the CRM — API</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css">
</head>
<body>
<div id="api"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/assets/init.js"></script>
</body>
</html>
`;
}
