import { StrataError, type Project } from '../core/index.js';
import { isModelNode, isSourceNode, type ModelNode, type SourceNode } from './types.js';

/** Models and sources with their edges: parents (what a node reads) and children. */
export class TransformGraph {
  readonly models: ReadonlyMap<string, ModelNode>;
  readonly sources: ReadonlyMap<string, SourceNode>;
  readonly parents: ReadonlyMap<string, readonly string[]>;
  readonly children: ReadonlyMap<string, readonly string[]>;
  /** Every model, parents before children; ties broken by unique id so runs are repeatable. */
  readonly order: readonly string[];

  constructor(project: Project) {
    const models = new Map<string, ModelNode>();
    const sources = new Map<string, SourceNode>();
    for (const node of project.nodes.values()) {
      if (isModelNode(node)) models.set(node.uniqueId, node);
      else if (isSourceNode(node)) sources.set(node.uniqueId, node);
    }
    const parents = new Map<string, string[]>();
    const children = new Map<string, string[]>();
    for (const id of [...sources.keys(), ...models.keys()]) {
      parents.set(id, []);
      children.set(id, []);
    }
    for (const model of models.values()) {
      for (const parent of model.dependsOn) {
        parents.get(model.uniqueId)!.push(parent);
        children.get(parent)?.push(model.uniqueId);
      }
    }
    for (const list of children.values()) list.sort();
    this.models = models;
    this.sources = sources;
    this.parents = parents;
    this.children = children;
    this.order = topologicalOrder(models, parents);
  }

  get(id: string): ModelNode | SourceNode | undefined {
    return this.models.get(id) ?? this.sources.get(id);
  }

  /** Every node reachable upward (parents) or downward (children), up to `depth` steps. */
  reach(id: string, direction: 'up' | 'down', depth = Infinity): Set<string> {
    const edges = direction === 'up' ? this.parents : this.children;
    const found = new Set<string>();
    let frontier = [id];
    for (let step = 0; step < depth && frontier.length > 0; step++) {
      const next: string[] = [];
      for (const current of frontier) {
        for (const neighbour of edges.get(current) ?? []) {
          if (!found.has(neighbour)) {
            found.add(neighbour);
            next.push(neighbour);
          }
        }
      }
      frontier = next;
    }
    return found;
  }
}

function topologicalOrder(models: ReadonlyMap<string, ModelNode>, parents: ReadonlyMap<string, readonly string[]>): string[] {
  const pending = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const id of models.keys()) {
    const modelParents = parents.get(id)!.filter((parent) => models.has(parent));
    pending.set(id, modelParents.length);
    for (const parent of modelParents) dependents.set(parent, [...(dependents.get(parent) ?? []), id]);
  }
  const ready = [...pending].filter(([, count]) => count === 0).map(([id]) => id).sort();
  const order: string[] = [];
  while (ready.length > 0) {
    const id = ready.shift()!;
    order.push(id);
    for (const child of dependents.get(id) ?? []) {
      const left = pending.get(child)! - 1;
      pending.set(child, left);
      if (left === 0) {
        ready.push(child);
        ready.sort();
      }
    }
  }
  if (order.length < models.size) {
    const cycle = findCycle([...pending].filter(([, count]) => count > 0).map(([id]) => id), parents, models);
    const names = cycle.map((id) => models.get(id)!.name);
    const first = models.get(cycle[0]!)!;
    throw new StrataError('dag_cycle', `Found a cycle: ${names.join(' -> ')}.`, {
      location: first.location,
      hint: 'A model cannot depend on itself, directly or through other models; remove one of these ref() calls.',
      details: { cycle: names },
    });
  }
  return order;
}

/** A cycle among `stuck` nodes, as a path that starts and ends on the same node. */
function findCycle(stuck: string[], parents: ReadonlyMap<string, readonly string[]>, models: ReadonlyMap<string, ModelNode>): string[] {
  const candidates = new Set(stuck);
  const start = stuck.sort()[0]!;
  // Follow parent edges inside the stuck set; every stuck node has one, so a node repeats.
  const path: string[] = [start];
  const seenAt = new Map([[start, 0]]);
  let current = start;
  for (;;) {
    const next = [...parents.get(current)!].filter((p) => candidates.has(p) && models.has(p)).sort()[0]!;
    const index = seenAt.get(next);
    if (index !== undefined) {
      // Parent edges point backwards; reverse so the cycle reads in build order (a -> b means b refs a).
      return [...path.slice(index), next].reverse();
    }
    seenAt.set(next, path.length);
    path.push(next);
    current = next;
  }
}
