#!/usr/bin/env python3
"""Checks drydock's module graph: no import circle between files, and no
import from a lower layer to a higher one (CONTRIBUTING.md draws them).

Reads the graph `cargo modules dependencies` writes (crates.io
`cargo-modules`; 0.27 works with Rust 1.95) and folds every item into
the file that defines it. `--acyclic` of cargo-modules itself also counts
an enum and its own methods as a circle, so it is not used.

    cargo modules dependencies --lib --no-externs --no-sysroot --no-owns > /tmp/deps.dot
    scripts/module-graph.py /tmp/deps.dot

Exit 0 when the graph is clean, 1 otherwise (each problem printed).
"""
import re
import sys

# Lowest first; a module may import from its own layer or any below.
LAYERS = [
    ["text", "error", "finding", "rule", "yaml", "suggest"],
    ["catalog", "hazards", "params", "boundary", "gitignore"],
    ["compose", "k8s", "image", "dockerfile"],
    ["scan"],
    ["policy"],
    ["report"],
    ["rules", "settings", "commands", "cli", "fuzzing"],
]
SCANNERS = {"compose", "k8s", "image", "dockerfile"}
LAYER = {name: level for level, names in enumerate(LAYERS) for name in names}

kind, edges = {}, []
for line in open(sys.argv[1], encoding="utf-8"):
    node = re.match(r'\s*"([^"]+)" \[label="[^|]*?(\w+)\|', line)
    if node and "->" not in line:
        kind[node.group(1)] = node.group(2)
    edge = re.match(r'\s*"([^"]+)" -> "([^"]+)" \[label="uses"', line)
    if edge:
        edges.append(edge.groups())


def module_of(path):
    """The module an item is defined in (an unnamed path is a module)."""
    while path in kind and kind[path] != "mod" and "::" in path:
        path = path.rsplit("::", 1)[0]
    return path


graph = {}
for a, b in edges:
    ma, mb = module_of(a), module_of(b)
    # `crate::` paths resolve through the crate root, which defines nothing.
    if ma != mb and mb != "drydock":
        graph.setdefault(ma, set()).add(mb)
        graph.setdefault(mb, set())

problems = []
for a, targets in sorted(graph.items()):
    for b in sorted(targets):
        top_a, top_b = (p.split("::")[1] if "::" in p else "" for p in (a, b))
        if top_a == top_b or not top_a or not top_b:
            continue
        if LAYER.get(top_a, 99) < LAYER.get(top_b, 99):
            problems.append(f"upward import: {a} -> {b}")
        if top_a in SCANNERS and top_b in SCANNERS:
            problems.append(f"one scanner imports another: {a} -> {b}")

# Circles: Tarjan's strongly connected components.
index, low, stack, on_stack, counter = {}, {}, [], set(), [0]
sys.setrecursionlimit(100000)


def visit(v):
    index[v] = low[v] = counter[0]
    counter[0] += 1
    stack.append(v)
    on_stack.add(v)
    for w in graph[v]:
        if w not in index:
            visit(w)
            low[v] = min(low[v], low[w])
        elif w in on_stack:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        component = []
        while True:
            w = stack.pop()
            on_stack.discard(w)
            component.append(w)
            if w == v:
                break
        if len(component) > 1:
            problems.append("import circle: " + " <-> ".join(sorted(component)))


for v in list(graph):
    if v not in index:
        visit(v)

for problem in problems:
    print(problem)
print(f"{len(graph)} modules, {sum(len(t) for t in graph.values())} imports, {len(problems)} problem(s)")
sys.exit(1 if problems else 0)
