/**
 * `pnpm --filter @nrr/example-partner-custom-view start`: the API (started as `pnpm start` starts
 * it, on `PORT`, default 4000) and the partner page in Vite's dev server (`PARTNER_PORT`, default
 * 5174), whose middleware plays the partner's backend: it holds the demo key and mints embed tokens.
 */
import { apiBanner, closeOnSignals, configFromEnv, findTenant, setAllowedOrigins, startApi } from '@nrr/api';
import { createServer, type Plugin } from 'vite';

const port = Number(process.env.PARTNER_PORT ?? 5174);
const api = await startApi({ config: configFromEnv(), log: (line) => console.log(line) });

/** The partner's backend, as Vite middleware: `GET /api/config` and `POST /api/nrr-token`. */
const partnerBackend: Plugin = {
  name: 'partner-backend',
  configureServer(server) {
    server.middlewares.use('/api/config', (_request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ graphqlEndpoint: `${api.server.url}/graphql` }));
    });
    server.middlewares.use('/api/nrr-token', (request, response) => {
      if (request.method !== 'POST') {
        response.statusCode = 405;
        response.end();
        return;
      }
      fetch(`${api.server.url}/v1/embed-tokens`, {
        method: 'POST',
        headers: { authorization: `Bearer ${api.demoKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ttlSeconds: 900 }),
      }).then(
        async (answer) => {
          response.statusCode = answer.status;
          response.setHeader('content-type', 'application/json');
          response.setHeader('cache-control', 'no-store');
          response.end(await answer.text());
        },
        (error: unknown) => {
          response.statusCode = 502;
          response.end(JSON.stringify({ error: { code: 'INTERNAL', message: String(error) } }));
        },
      );
    });
  },
};

const vite = await createServer({
  configFile: new URL('../vite.config.ts', import.meta.url).pathname,
  server: { port, strictPort: true },
  plugins: [partnerBackend],
  logLevel: 'warn',
});
await vite.listen();
const origin = `http://localhost:${port}`;
const tenant = await findTenant(api.database.db, api.tenantId);
if (tenant && !tenant.allowedOrigins.includes(origin)) {
  await setAllowedOrigins(api.database.db, api.tenantId, [...tenant.allowedOrigins, origin]);
}
console.log(`\nPartner view  ${origin}   (segment leaderboard built from the hooks)\n${apiBanner(api)}`);
closeOnSignals(async () => {
  await vite.close();
  await api.close();
});
