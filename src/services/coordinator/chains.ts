import type { Repositories } from '../../domain/repositories/index.js';

export type ChainNode =
  | { id: string; kind: 'case'; refId: number; label: string; externalId: string; status: string; area: string | null; confirmedAt: number }
  | { id: string; kind: 'contact'; refId: number; label: string; phoneKnown: boolean; area: string | null };

export type ChainEdge =
  | { from: string; to: string; kind: 'exposure'; setting: string | null; lastContactDate: string | null }
  /** The contact was later confirmed as this case (linked by phone when the case was created). */
  | { from: string; to: string; kind: 'became_case' };

export interface ChainGraph {
  nodes: ChainNode[];
  edges: ChainEdge[];
  /** Connected components included (each a list of node ids), largest first. */
  components: string[][];
  /** True when components were left out because of `maxNodes`. */
  truncated: boolean;
}

const caseNode = (id: number) => `case:${id}`;
const contactNode = (id: number) => `contact:${id}`;

/**
 * Transmission chains as a graph: cases and contacts as nodes; edges case -> contact (an exposure) and contact -> case (the
 * contact later became that case). With `caseId`, the connected component of that case (empty if the case does not exist);
 * without, every component that contains a chain (at least one contact who became a case), largest first, up to `maxNodes`.
 */
export function chainGraph(repos: Pick<Repositories, 'reports'>, opts: { caseId?: number; maxNodes?: number } = {}): ChainGraph {
  const maxNodes = opts.maxNodes ?? 2000;
  const exposures = repos.reports.chainExposures();
  const became = repos.reports.becameCase();

  const edges: ChainEdge[] = [
    ...exposures.map((e) => ({ from: caseNode(e.caseId), to: contactNode(e.contactId), kind: 'exposure' as const, setting: e.setting, lastContactDate: e.lastContactDate })),
    ...became.map((b) => ({ from: contactNode(b.contactId), to: caseNode(b.caseId), kind: 'became_case' as const })),
  ];
  const adjacency = new Map<string, string[]>();
  const link = (a: string, b: string) => {
    (adjacency.get(a) ?? adjacency.set(a, []).get(a)!).push(b);
    (adjacency.get(b) ?? adjacency.set(b, []).get(b)!).push(a);
  };
  for (const e of edges) link(e.from, e.to);

  const componentOf = (start: string, seen: Set<string>): string[] => {
    const out = [start];
    seen.add(start);
    for (let k = 0; k < out.length; k++) {
      for (const next of adjacency.get(out[k]!) ?? []) {
        if (!seen.has(next)) {
          seen.add(next);
          out.push(next);
        }
      }
    }
    return out;
  };

  let components: string[][];
  if (opts.caseId !== undefined) {
    components = repos.reports.caseExists(opts.caseId) ? [componentOf(caseNode(opts.caseId), new Set())] : [];
  } else {
    const seen = new Set<string>();
    components = [];
    for (const b of became) {
      const start = caseNode(b.caseId);
      if (!seen.has(start)) components.push(componentOf(start, seen));
    }
    components.sort((a, b) => b.length - a.length);
  }
  let truncated = false;
  const kept: string[][] = [];
  let total = 0;
  for (const comp of components) {
    if (total + comp.length > maxNodes && kept.length > 0) {
      truncated = true;
      continue;
    }
    kept.push(comp);
    total += comp.length;
  }
  const included = new Set(kept.flat());
  const caseIds = [...included].filter((n) => n.startsWith('case:')).map((n) => Number(n.slice(5)));
  const contactIds = [...included].filter((n) => n.startsWith('contact:')).map((n) => Number(n.slice(8)));
  const caseRows = repos.reports.chainCases(caseIds);
  const contactRows = repos.reports.chainContacts(contactIds);
  const nodes: ChainNode[] = [
    ...caseRows.map((r) => ({ id: caseNode(r.id), kind: 'case' as const, refId: r.id, label: r.name, externalId: r.externalId, status: r.status, area: r.area, confirmedAt: r.confirmedAt })),
    ...contactRows.map((r) => ({ id: contactNode(r.id), kind: 'contact' as const, refId: r.id, label: r.name, phoneKnown: r.phone !== null, area: r.area })),
  ];
  return { nodes, edges: edges.filter((e) => included.has(e.from)), components: kept, truncated };
}
