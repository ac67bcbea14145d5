import './leaderboard.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { PartnerView } from './PartnerView.tsx';

/** The partner's page: the API endpoint and tokens come from the partner's own server (src/serve.ts). */
async function mount(): Promise<void> {
  const root = document.getElementById('root');
  if (!root) throw new Error('index.html has no #root element');
  const config = (await (await fetch('/api/config')).json()) as { graphqlEndpoint: string };
  const fetchToken = async () => {
    const response = await fetch('/api/nrr-token', { method: 'POST' });
    if (!response.ok) throw new Error(`POST /api/nrr-token answered ${response.status}`);
    return (await response.json()) as { token: string; expiresAt: string; tenantId: string };
  };
  createRoot(root).render(
    <StrictMode>
      <PartnerView endpoint={config.graphqlEndpoint} fetchToken={fetchToken} />
    </StrictMode>,
  );
}

void mount();
