import { render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { cssVariableName, MrrBridge, NrrCard, NrrSettings, NrrShadowRoot } from '../src/index.ts';
import { report } from './fixtures.ts';

describe('theme', () => {
  it('puts the mode on each card and the appearance variables on its root, never on html or body', () => {
    render(
      <NrrSettings
        theme="system"
        appearance={{
          variables: { colorAccent: 'rebeccapurple', radius: '4px', fontFamily: 'Inter, sans-serif' },
        }}
      >
        <NrrCard data={{ current: report() }} />
        <MrrBridge data={report()} />
      </NrrSettings>,
    );
    const cards = screen.getAllByRole('region');
    expect(cards).toHaveLength(2);
    for (const card of cards) {
      expect(card.dataset.nrrTheme).toBe('system');
      expect(card.style.getPropertyValue('--nrr-color-accent')).toBe('rebeccapurple');
      expect(card.style.getPropertyValue('--nrr-radius')).toBe('4px');
      expect(card.style.getPropertyValue('--nrr-font-family')).toBe('Inter, sans-serif');
    }
    expect(document.documentElement.getAttribute('style')).toBeNull();
    expect(document.body.getAttribute('style')).toBeNull();
    expect(document.documentElement.getAttribute('data-nrr-theme')).toBeNull();
  });

  it('names variables --nrr-<kebab-case>', () => {
    expect(cssVariableName('colorAccentSecondary')).toBe('--nrr-color-accent-secondary');
    expect(cssVariableName('spacing')).toBe('--nrr-spacing');
  });
});

describe('<NrrShadowRoot>', () => {
  it('renders the cards inside an open shadow root with the stylesheet, nothing in the light DOM', async () => {
    const { container } = render(
      <NrrShadowRoot css="@layer nrr { :where(.nrr-card) { display: flex } }" className="panel-slot">
        <NrrCard data={{ current: report() }} />
      </NrrShadowRoot>,
    );
    const host = container.querySelector('.panel-slot') as HTMLElement;
    expect(host.dataset.nrrShadowHost).toBe('');
    await waitFor(() => expect(host.shadowRoot?.querySelector('.nrr-figure')?.textContent).toBe('105.0%'));
    const shadow = host.shadowRoot as ShadowRoot;
    expect(host.children).toHaveLength(0);
    expect(document.querySelector('.nrr-card')).toBeNull(); // page selectors cannot match it
    expect(shadow.querySelector('style')?.textContent).toBe(
      '@layer nrr { :where(.nrr-card) { display: flex } }',
    );
    expect(screen.queryByRole('region')).toBeNull();
  });

  it('links a stylesheet by URL when given one', async () => {
    const { container } = render(
      <NrrShadowRoot stylesheetHref="/assets/nrr-widgets.css">
        <MrrBridge data={report()} />
      </NrrShadowRoot>,
    );
    const host = container.firstElementChild as HTMLElement;
    await waitFor(() => expect(host.shadowRoot?.querySelector('section')).not.toBeNull());
    expect(host.shadowRoot?.querySelector('link')?.getAttribute('href')).toBe('/assets/nrr-widgets.css');
  });
});
