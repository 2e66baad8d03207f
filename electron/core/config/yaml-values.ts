import {
  isAlias,
  isMap,
  isNode,
  isScalar,
  isSeq,
  type Alias,
  type Document,
  type Node,
} from 'yaml';

/** Deeper than any config needs, and shallow enough for every recursive check after this. */
export const MAX_DEPTH = 256;
/** Values aliases may add to a file beyond those written, when the file is small. */
export const MIN_ALIAS_BUDGET = 100_000;

/** A problem at an offset of the text. */
export interface ValueProblem {
  offset: number;
  message: string;
}

function offsetOf(node: Node | null | undefined): number {
  return node?.range?.[0] ?? 0;
}

/** The nodes a collection holds, keys and values alike, in document order. */
function childrenOf(node: Node): Node[] {
  const children: Node[] = [];
  if (isMap(node)) {
    for (const pair of node.items) {
      if (isNode(pair.key)) children.push(pair.key);
      if (isNode(pair.value)) children.push(pair.value);
    }
  } else if (isSeq(node)) {
    for (const item of node.items) if (isNode(item)) children.push(item);
  }
  return children;
}

interface Walked {
  /** Each alias and the node its anchor names. */
  targets: Map<Alias, Node>;
  /** Nodes as written, aliases counted once each. */
  written: number;
  /** The first node written deeper than MAX_DEPTH, aliases not followed. */
  tooDeep: Node | null;
  problems: ValueProblem[];
}

/**
 * Resolves every alias to the last node anchored with its name before it, as YAML says, in one
 * pass without recursion: an alias to a node that holds it would make a value with no end.
 */
function walk(root: Node): Walked {
  const anchors = new Map<string, Node>();
  const open = new Set<Node>();
  const targets = new Map<Alias, Node>();
  const problems: ValueProblem[] = [];
  let written = 0;
  let tooDeep: Node | null = null;
  // A node with its depth to enter, or (depth -1) an anchored node to leave.
  const stack: [Node, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [Node, number];
    if (depth < 0) {
      open.delete(node);
      continue;
    }
    written++;
    if (depth > MAX_DEPTH) tooDeep ??= node;
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (target === undefined) {
        problems.push({
          offset: offsetOf(node),
          message: `alias *${node.source} has no anchor &${node.source} before it`,
        });
      } else if (open.has(target)) {
        problems.push({
          offset: offsetOf(node),
          message: `alias *${node.source} stands for a value that holds the alias itself: it would never end`,
        });
      } else {
        targets.set(node, target);
      }
      continue;
    }
    const children = childrenOf(node);
    if (node.anchor) {
      anchors.set(node.anchor, node);
      // Only an anchored node can be the target of an alias inside it.
      if (children.length > 0) {
        open.add(node);
        stack.push([node, -1]);
      }
    }
    for (let index = children.length - 1; index >= 0; index--) {
      stack.push([children[index] as Node, depth + 1]);
    }
  }
  return { targets, written, tooDeep, problems };
}

interface Measure {
  /** Values, aliases expanded. */
  size: number;
  /** Levels, aliases expanded. */
  depth: number;
}

/**
 * Size and depth of every node with its aliases expanded, each node measured once (the aliases
 * form no loop by now), without recursion: a chain of aliases can be as long as the file.
 */
function measure(root: Node, targets: Map<Alias, Node>): Map<Node, Measure> {
  const measured = new Map<Node, Measure>();
  const resolve = (node: Node) => (isAlias(node) ? (targets.get(node) as Node) : node);
  const stack: [Node, Node[] | null][] = [[resolve(root), null]];
  while (stack.length > 0) {
    const [node, children] = stack.pop() as [Node, Node[] | null];
    if (measured.has(node)) continue;
    if (children === null) {
      const inner = childrenOf(node).map(resolve);
      stack.push([node, inner]);
      for (const child of inner) if (!measured.has(child)) stack.push([child, null]);
      continue;
    }
    let size = 1;
    let depth = 0;
    for (const child of children) {
      const inner = measured.get(child) as Measure;
      size += inner.size;
      depth = Math.max(depth, inner.depth);
    }
    measured.set(node, { size, depth: depth + 1 });
  }
  return measured;
}

function sizeProblem(
  root: Node,
  walked: Walked,
  measured: Map<Node, Measure>,
): ValueProblem | null {
  const total = measured.get(root)?.size ?? 0;
  const copies = total - walked.written;
  const allowed = Math.max(MIN_ALIAS_BUDGET, walked.written);
  if (copies <= allowed) return null;
  let largest: [Alias, number] | null = null;
  for (const [alias, target] of walked.targets) {
    const size = measured.get(target)?.size ?? 0;
    if (largest === null || size > largest[1]) largest = [alias, size];
  }
  const [alias, size] = largest ?? [null, 0];
  return {
    offset: offsetOf(alias),
    message: `aliases would add ${copies} values to the ${walked.written} written in this file (at most ${allowed})${alias ? `: *${alias.source} alone stands for ${size}` : ''}`,
  };
}

/** Where values first nest deeper than MAX_DEPTH: the last alias on the way there, if any. */
function depthProblem(
  root: Node,
  targets: Map<Alias, Node>,
  measured: Map<Node, Measure>,
): ValueProblem | null {
  const depthOf = (node: Node) =>
    measured.get(isAlias(node) ? (targets.get(node) as Node) : node)?.depth ?? 0;
  if (depthOf(root) <= MAX_DEPTH) return null;
  let node = root;
  let blame: Node = root;
  for (let level = 1; level < MAX_DEPTH; level++) {
    if (isAlias(node)) {
      blame = node;
      node = targets.get(node) as Node;
    }
    const deepest = childrenOf(node).reduce<Node | null>(
      (best, child) => (best === null || depthOf(child) > depthOf(best) ? child : best),
      null,
    );
    if (deepest === null) break;
    node = deepest;
  }
  if (!isAlias(blame)) blame = node;
  return {
    offset: offsetOf(blame),
    message: `values nest more than ${MAX_DEPTH} levels deep${isAlias(blame) ? ` through aliases (*${blame.source} here)` : ''}`,
  };
}

function keyText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function toValue(node: unknown, targets: Map<Alias, Node>): unknown {
  if (!isNode(node)) return null;
  if (isAlias(node)) return toValue(targets.get(node), targets);
  if (isScalar(node)) return node.toJSON();
  if (isSeq(node)) return node.items.map((item) => toValue(item, targets));
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const pair of node.items) {
      const key = keyText(toValue(pair.key, targets));
      const value = toValue(pair.value, targets);
      if (key === '__proto__') {
        // Data like any other key, not the object's prototype.
        Object.defineProperty(out, key, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      } else out[key] = value;
    }
    return out;
  }
  return null;
}

/**
 * The document's plain value, or why there is none: an alias with no anchor, an alias inside
 * the value it stands for, aliases that would blow a small file up into millions of values (a
 * "billion laughs"), or values nested too deep to check. Each alias becomes a copy of its value,
 * so nothing after this meets a shared or endless object; linear in the size of the result.
 */
export function documentValue(doc: Document): { value: unknown } | { problems: ValueProblem[] } {
  const root = doc.contents;
  if (!isNode(root)) return { value: null };
  const walked = walk(root);
  if (walked.problems.length > 0) return { problems: walked.problems };
  if (walked.targets.size === 0) {
    // As written: no copies, and the depth is known already.
    if (walked.tooDeep) {
      return {
        problems: [
          {
            offset: offsetOf(walked.tooDeep),
            message: `values nest more than ${MAX_DEPTH} levels deep`,
          },
        ],
      };
    }
  } else {
    const measured = measure(root, walked.targets);
    const problem =
      sizeProblem(root, walked, measured) ?? depthProblem(root, walked.targets, measured);
    if (problem) return { problems: [problem] };
  }
  return { value: toValue(root, walked.targets) };
}
