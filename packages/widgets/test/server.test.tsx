// @vitest-environment node
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { report } from './fixtures.ts';

describe('server rendering', () => {
  it('imports with no window or document, and renders static cards to HTML', async () => {
    expect(typeof window).toBe('undefined');
    expect(typeof document).toBe('undefined');
    const { MrrBridge, NrrCard } = await import('../src/index.ts');
    const html = renderToString(
      <>
        <NrrCard data={{ current: report() }} />
        <MrrBridge data={report()} />
      </>,
    );
    expect(html).toContain('<p class="nrr-figure">105.0%</p>');
    expect(html).toContain('aria-label="MRR bridge: $100K at the start to $114K at the end"');
  });

  it('renders data-mode cards as loading on the server without fetching a token', async () => {
    const { NrrCard, NrrProvider } = await import('../src/index.ts');
    let tokenFetches = 0;
    const html = renderToString(
      <NrrProvider
        endpoint="https://nrr.test/graphql"
        fetchToken={async () => {
          tokenFetches += 1;
          return 'never';
        }}
      >
        <NrrCard />
      </NrrProvider>,
    );
    expect(html).toContain('role="status"');
    expect(html).toContain('Loading net revenue retention…');
    expect(tokenFetches).toBe(0);
  });
});
