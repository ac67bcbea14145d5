/**
 * The API and the admin panel side by side, as `pnpm start` runs them: the API started the way
 * `@nrr/api`'s own start does (migrations, demo tenant, a fresh read-only key), the panel built
 * with Vite and served by its backend, which holds that key. The panel's origin is added to the
 * demo tenant's allowed origins, because the browser calls the API directly with its embed token.
 */
import {
  type DemoOptions,
  findTenant,
  type ServerConfig,
  type StartedApi,
  setAllowedOrigins,
  startApi,
} from '@nrr/api';
import { buildPanel } from './build.ts';
import { type PanelServer, startPanelServer } from './panel-server.ts';

/** Options of {@link startPanelStack}. */
export interface PanelStackOptions {
  /** The API's database, token secret and port. */
  readonly config: ServerConfig;
  /** Port of the panel's backend; 0 = any free port. */
  readonly panelPort: number;
  /** Demo tenant options (e.g. fewer customers in tests); default the full demo. */
  readonly demo?: DemoOptions;
  /** A directory with the panel already built; default: build into `<panel>/dist` now. */
  readonly assetsDir?: string;
  /** Progress lines; default silent. */
  readonly log?: (line: string) => void;
}

/** A running API and panel. */
export interface PanelStack {
  readonly api: StartedApi;
  readonly panel: PanelServer;
  /** Stops the panel, then the API and its database. */
  close(): Promise<void>;
}

/** Starts the API and the panel (building the panel meanwhile unless `assetsDir` is given). */
export async function startPanelStack(options: PanelStackOptions): Promise<PanelStack> {
  const log = options.log ?? (() => {});
  const building = options.assetsDir
    ? Promise.resolve(options.assetsDir)
    : buildPanel().then((dir) => {
        log(`admin panel built into ${dir}`);
        return dir;
      });
  const [api, assetsDir] = await Promise.all([
    startApi({ config: options.config, demo: options.demo ?? {}, log }),
    building,
  ]);
  try {
    const panel = await startPanelServer({
      apiUrl: api.server.url,
      secretKey: api.demoKey,
      assetsDir,
      port: options.panelPort,
    });
    await allowPanelOrigin(api, panel.url);
    return {
      api,
      panel,
      async close() {
        await panel.close();
        await api.close();
      },
    };
  } catch (error) {
    await api.close();
    throw error;
  }
}

/** Adds the panel's origin (as `localhost` and as `127.0.0.1`) to the demo tenant's CORS list. */
async function allowPanelOrigin(api: StartedApi, panelUrl: string): Promise<void> {
  const { db } = api.database;
  const tenant = await findTenant(db, api.tenantId);
  if (!tenant) throw new Error(`tenant ${api.tenantId} is missing after start`);
  const origin = new URL(panelUrl).origin;
  const wanted = [origin, origin.replace('//localhost:', '//127.0.0.1:')];
  const missing = wanted.filter((candidate) => !tenant.allowedOrigins.includes(candidate));
  if (missing.length > 0) await setAllowedOrigins(db, api.tenantId, [...tenant.allowedOrigins, ...missing]);
}
