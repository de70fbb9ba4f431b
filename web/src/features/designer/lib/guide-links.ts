/** The guides the server serves (GET /guides/{name}); keep in step with api/views/processes.py. */
export const GUIDES = ['designer-guide', 'operator-guide', 'scenarios'] as const;

export type GuideLink =
  | { kind: 'guide'; to: string } // another guide, shown in the studio
  | { kind: 'page'; href: string } // an anchor on this page, or a web address
  | { kind: 'file'; path: string }; // a file of the repository: there is no page for it here

/**
 * Where a link inside a guide leads in the studio. The guides link to each other and to files
 * of the repository by relative paths, which are right on GitHub and in an editor, not here.
 */
export function guideLink(href: string): GuideLink {
  if (href.startsWith('#') || /^[a-z][a-z0-9+.-]*:/i.test(href)) return { kind: 'page', href };
  const [, name = '', section = ''] = /^(?:\.\/)?(?:docs\/)?([\w-]+)\.md(#.*)?$/.exec(href) ?? [];
  if ((GUIDES as readonly string[]).includes(name)) return { kind: 'guide', to: `/designer/guide/${name}${section}` };
  return { kind: 'file', path: href.replace(/^(\.\.\/)+|^\.\//g, '') };
}
