/* Call graph profile sort: sections that call each other often are placed
 * next to each other, the hottest first, as lld orders them by default.
 *
 * The edges are caller -> callee weights from the inputs'
 * .llvm.call-graph-profile sections (clang with -fprofile-use or
 * -fprofile-instr-use writes one per object) and from
 * --call-graph-ordering-file (lines "CALLER CALLEE WEIGHT", symbol names),
 * summed per pair of input sections of the same output section. Sections
 * are then grouped with the Call-Chain Clustering heuristic (C3, Ottoni
 * and Maher, CGO 2017): clusters in order of density (weight per byte),
 * each joins the cluster of its heaviest caller unless that edge is under
 * a tenth of its weight, the joined cluster would pass 1 MiB or its density
 * would fall below an eighth; the clusters are then laid out by density.
 * The result feeds the same reordering as --symbol-ordering-file (which,
 * when given, is used instead, as in lld). Everything runs on one thread in
 * input order, so the order is the same whatever --threads. Runs in
 * create_output_sections, after ICF (a folded section's edges are its
 * leader's) and before layout. --no-call-graph-profile-sort turns it off. */
#include "ld/ld.h"
#include <stdlib.h>
#include <xxhash.h>

enum { MAX_DENSITY_DEGRADATION = 8, MAX_CLUSTER_SIZE = 1 << 20 };

/* Open addressing from non-zero 64-bit keys to indices. */
struct u64map {
  uint64_t *keys; /* 0: empty */
  uint32_t *vals;
  uint32_t mask, n;
};

static void map_init(struct u64map *m) {
  *m = (struct u64map){xcalloc(64, sizeof(uint64_t)), xcalloc(64, sizeof(uint32_t)), 63, 0};
}

static void map_free(struct u64map *m) {
  xfree(m->keys);
  xfree(m->vals);
}

/* key's index; a new key gets `next` (and *added is set) */
static uint32_t map_get(struct u64map *m, uint64_t key, uint32_t next, bool *added) {
  uint64_t h = XXH3_64bits(&key, sizeof(key)) & m->mask;
  for (; m->keys[h]; h = (h + 1) & m->mask)
    if (m->keys[h] == key)
      return *added = false, m->vals[h];
  m->keys[h] = key, m->vals[h] = next, m->n++, *added = true;
  if (2 * (uint64_t)m->n > m->mask) { /* grow: every key again */
    struct u64map g = {xcalloc(2 * ((size_t)m->mask + 1), sizeof(uint64_t)),
                       xcalloc(2 * ((size_t)m->mask + 1), sizeof(uint32_t)), 2 * m->mask + 1,
                       m->n};
    for (uint32_t k = 0; k <= m->mask; k++) {
      if (!m->keys[k])
        continue;
      uint64_t j = XXH3_64bits(&m->keys[k], sizeof(uint64_t)) & g.mask;
      while (g.keys[j])
        j = (j + 1) & g.mask;
      g.keys[j] = m->keys[k], g.vals[j] = m->vals[k];
    }
    map_free(m);
    *m = g;
  }
  return next;
}

struct graph {
  struct cg_node *nodes;
  uint32_t n, cap;
  struct u64map node_of; /* isec -> node */
  /* summed weights per (from, to) pair, in the order first seen */
  uint32_t *efrom, *eto;
  uint64_t *eweight;
  uint32_t nedges, ecap;
  struct u64map edge_of; /* from << 32 | to, + 1 -> edge */
};

static uint32_t node_of(struct graph *g, struct isec *isec) {
  bool added;
  uint32_t i = map_get(&g->node_of, (uint64_t)(uintptr_t)isec, g->n, &added);
  if (added) {
    if (g->n == g->cap) {
      g->cap = g->cap ? 2 * g->cap : 64;
      g->nodes = xrealloc(g->nodes, g->cap * sizeof(*g->nodes));
    }
    g->nodes[g->n++] = (struct cg_node){isec, isec->size, 0, 0, -1, 0, i, i, i};
  }
  return i;
}

static void add_edge(struct graph *g, struct isec *from, struct isec *to, uint64_t weight) {
  if (!weight || from->osec != to->osec)
    return; /* the order across output sections is not ours to choose */
  uint32_t a = node_of(g, from), b = node_of(g, to);
  bool added;
  uint32_t e = map_get(&g->edge_of, ((uint64_t)a << 32 | b) + 1, g->nedges, &added);
  if (!added) {
    g->eweight[e] += weight;
    return;
  }
  if (g->nedges == g->ecap) {
    g->ecap = g->ecap ? 2 * g->ecap : 64;
    g->efrom = xrealloc(g->efrom, g->ecap * sizeof(*g->efrom));
    g->eto = xrealloc(g->eto, g->ecap * sizeof(*g->eto));
    g->eweight = xrealloc(g->eweight, g->ecap * sizeof(*g->eweight));
  }
  g->efrom[e] = a, g->eto[e] = b, g->eweight[e] = weight;
  g->nedges++;
}

/* The code section a symbol's definition is in, if it can be moved, or
 * NULL. */
static struct isec *code_of(const struct symbol *sym) {
  const char *why;
  struct isec *isec = sym ? movable(sym, &why) : NULL;
  return isec && (isec->flags & SHF_EXECINSTR) ? isec : NULL;
}

/* A file's .llvm.call-graph-profile: weight k's relocations are 2k
 * (caller) and 2k + 1 (callee). */
static void read_profile(struct graph *g, struct objfile *f) {
  if (!f->ncg)
    return;
  if (f->ncg_rels != 2 * f->ncg) {
    warn("%s: .llvm.call-graph-profile: %u weights but %u relocations; ignored", f->name,
         f->ncg, f->ncg_rels);
    return;
  }
  struct isec rels = {.file = f, .rels = f->cg_rels, .rela = f->cg_rela};
  for (uint32_t k = 0; k < f->ncg; k++) {
    struct rel a, b;
    get_rel(&rels, 2 * k, &a);
    get_rel(&rels, 2 * k + 1, &b);
    if (a.sym >= f->nsyms || b.sym >= f->nsyms) {
      warn("%s: .llvm.call-graph-profile: entry %u names no symbol; ignored", f->name, k);
      return;
    }
    struct isec *from = code_of(f->syms[a.sym]), *to = code_of(f->syms[b.sym]);
    if (from && to)
      add_edge(g, from, to, rd64(f->cg + 8 * (uint64_t)k));
  }
}

/* The link's named local symbols, sorted by name and, within a name, by
 * input order (at); made once, the first time a name is no global's. */
struct local {
  struct symbol *sym;
  size_t at;
};

struct locals {
  struct local *v;
  size_t n;
  bool made;
};

static int cmp_local(const void *a, const void *b) {
  const struct local *x = a, *y = b;
  int c = strcmp(x->sym->name, y->sym->name);
  return c ? c : x->at < y->at ? -1 : x->at > y->at;
}

static void make_locals(struct locals *l) {
  l->made = true;
  for (int fill = 0; fill < 2; fill++) { /* count, then fill */
    l->n = 0;
    for (size_t i = 0; i < ctx.live.n; i++) {
      struct objfile *f = ctx.live.v[i];
      for (uint32_t k = 1; k < f->first_global && k < f->nsyms; k++) {
        struct symbol *sym = f->syms[k];
        if (sym && sym->name && *sym->name) {
          if (fill)
            l->v[l->n] = (struct local){sym, l->n};
          l->n++;
        }
      }
    }
    if (!fill)
      l->v = xcalloc(l->n ? l->n : 1, sizeof(*l->v));
  }
  qsort(l->v, l->n, sizeof(*l->v), cmp_local);
}

/* Every symbol of the link by name, locals too (of a local name, the last
 * in input order, as lld reads the file). */
static struct symbol *find_any(struct locals *l, const char *name) {
  struct symbol *sym = symmap_find(name);
  if (sym)
    return sym;
  if (!l->made)
    make_locals(l);
  size_t a = 0, b = l->n; /* past the last of the name */
  while (a < b) {
    size_t m = a + (b - a) / 2;
    if (strcmp(l->v[m].sym->name, name) <= 0)
      a = m + 1;
    else
      b = m;
  }
  return a && !strcmp(l->v[a - 1].sym->name, name) ? l->v[a - 1].sym : NULL;
}

/* --call-graph-ordering-file: "CALLER CALLEE WEIGHT" a line. */
static void read_ordering_file(struct graph *g, const char *path) {
  size_t size;
  char *text = read_text_file("--call-graph-ordering-file", path, &size);
  uint32_t lineno = 0;
  struct locals locals = {0};
  for (char *line = text, *next; line < text + size; line = next) {
    char *nl = memchr(line, '\n', (size_t)(text + size - line));
    next = nl ? nl + 1 : text + size;
    if (nl)
      *nl = 0;
    lineno++;
    char from[4096], to[4096];
    unsigned long long weight;
    char extra;
    int n = sscanf(line, "%4095s %4095s %llu %c", from, to, &weight, &extra);
    if (n <= 0)
      continue; /* a blank line */
    if (n != 3)
      fatal("%s:%u: expected CALLER CALLEE WEIGHT", path, lineno);
    struct symbol *a = find_any(&locals, from), *b = find_any(&locals, to);
    if (!a || !b) {
      warn("%s:%u: no such symbol: %s", path, lineno, !a ? from : to);
      continue;
    }
    struct isec *x = code_of(a), *y = code_of(b);
    if (x && y)
      add_edge(g, x, y, weight);
  }
  xfree(locals.v);
  xfree(text);
}

static uint32_t leader_of(struct cg_node *nodes, uint32_t v) {
  while (nodes[v].leader != v) {
    nodes[v].leader = nodes[nodes[v].leader].leader; /* path halving */
    v = nodes[v].leader;
  }
  return v;
}

static double density(const struct cg_node *c) {
  return c->size ? (double)c->weight / (double)c->size : 0;
}

static struct cg_node *sort_nodes;
static int by_density(const void *a, const void *b) {
  uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
  double x = density(&sort_nodes[i]), y = density(&sort_nodes[j]);
  if (x != y)
    return x > y ? -1 : 1;
  return i < j ? -1 : i > j; /* stable: in the order first seen */
}

uint32_t c3_order(struct cg_node *nodes, uint32_t n, uint32_t *out) {
  uint32_t *sorted = xcalloc(n ? n : 1, sizeof(uint32_t));
  for (uint32_t i = 0; i < n; i++)
    sorted[i] = i, nodes[i].initial_weight = nodes[i].weight;
  sort_nodes = nodes;
  qsort(sorted, n, sizeof(*sorted), by_density);
  for (uint32_t k = 0; k < n; k++) {
    uint32_t l = sorted[k];
    struct cg_node *c = &nodes[l];
    if (c->best_pred < 0 || c->best_weight * 10 <= c->initial_weight)
      continue; /* an unlikely edge */
    uint32_t p = leader_of(nodes, (uint32_t)c->best_pred);
    struct cg_node *pc = &nodes[p];
    if (p == l || c->size + pc->size > MAX_CLUSTER_SIZE)
      continue;
    double merged = (double)(pc->weight + c->weight) / (double)(pc->size + c->size);
    if (merged < density(pc) / MAX_DENSITY_DEGRADATION)
      continue;
    /* c's list after pc's */
    nodes[l].leader = p;
    uint32_t tail1 = pc->prev, tail2 = c->prev;
    pc->prev = tail2, nodes[tail2].next = p;
    c->prev = tail1, nodes[tail1].next = l;
    pc->size += c->size, pc->weight += c->weight;
    c->size = 0, c->weight = 0;
  }
  uint32_t m = 0;
  for (uint32_t i = 0; i < n; i++)
    if (nodes[i].size)
      sorted[m++] = i;
  qsort(sorted, m, sizeof(*sorted), by_density);
  uint32_t at = 0;
  for (uint32_t k = 0; k < m; k++)
    for (uint32_t i = sorted[k];;) {
      out[at++] = i;
      i = nodes[i].next;
      if (i == sorted[k])
        break;
    }
  xfree(sorted);
  return at;
}

void apply_call_graph_order(void) {
  if (!ctx.opt.call_graph_profile_sort || ctx.opt.symbol_ordering_file)
    return;
  bool any = ctx.opt.call_graph_ordering_file != NULL;
  for (size_t i = 0; i < ctx.live.n && !any; i++)
    any = ((struct objfile *)ctx.live.v[i])->ncg > 0;
  if (!any)
    return;
  struct graph g = {0};
  map_init(&g.node_of);
  map_init(&g.edge_of);
  if (ctx.opt.call_graph_ordering_file)
    read_ordering_file(&g, ctx.opt.call_graph_ordering_file);
  for (size_t i = 0; i < ctx.live.n; i++)
    read_profile(&g, ctx.live.v[i]);
  /* weights into callees, and each one's heaviest caller */
  for (uint32_t e = 0; e < g.nedges; e++) {
    struct cg_node *to = &g.nodes[g.eto[e]];
    to->weight += g.eweight[e];
    if (g.efrom[e] != g.eto[e] && (to->best_pred < 0 || to->best_weight < g.eweight[e]))
      to->best_pred = g.efrom[e], to->best_weight = g.eweight[e];
  }
  uint32_t *order = xcalloc(g.n ? g.n : 1, sizeof(uint32_t));
  uint32_t n = c3_order(g.nodes, g.n, order);
  for (uint32_t k = 0; k < n; k++) {
    struct isec *isec = g.nodes[order[k]].isec;
    if (!constructors_osec(isec->osec))
      isec->order = k;
  }
  for (size_t i = 0; i < ctx.osecs.n; i++)
    if (!constructors_osec(ctx.osecs.v[i]))
      reorder_members(ctx.osecs.v[i], n);
  if (ctx.opt.print_stats)
    note("call graph sort: %u edges, %u sections ordered", g.nedges, n);
  xfree(order);
  xfree(g.nodes);
  map_free(&g.node_of);
  map_free(&g.edge_of);
  xfree(g.efrom);
  xfree(g.eto);
  xfree(g.eweight);
}
