import { describe, expect, it } from 'vitest';

import { guideLink } from './guide-links';

describe('links inside a guide', () => {
  it('open another guide in the studio, keeping the section', () => {
    expect(guideLink('scenarios.md')).toEqual({ kind: 'guide', to: '/designer/guide/scenarios' });
    expect(guideLink('operator-guide.md#keys')).toEqual({ kind: 'guide', to: '/designer/guide/operator-guide#keys' });
    expect(guideLink('docs/designer-guide.md')).toEqual({ kind: 'guide', to: '/designer/guide/designer-guide' });
  });

  it('leave anchors and web addresses as they are', () => {
    expect(guideLink('#lint-findings')).toEqual({ kind: 'page', href: '#lint-findings' });
    expect(guideLink('https://bpmn.io')).toEqual({ kind: 'page', href: 'https://bpmn.io' });
  });

  it('name a repository file instead of linking to a page that does not exist', () => {
    expect(guideLink('../processes/catalog.yaml')).toEqual({ kind: 'file', path: 'processes/catalog.yaml' });
    expect(guideLink('README.md')).toEqual({ kind: 'file', path: 'README.md' });
  });
});
