/* --icf=all|safe: identical code folding.
 *
 * Candidates are live read-only .text* and .rodata* sections. Each gets a
 * digest (xxh3-128) of its bytes and relocations, where a relocation's
 * target is named by what it is (a symbol, a merged fragment) except when
 * the target is itself a candidate: then its current equivalence class is
 * used. Classes start from equal digests and are refined, hashing again
 * with the targets' classes, until the number of classes stops growing (the
 * lld/mold fixpoint). The class representative is the first section in
 * command-line order, so the result is deterministic.
 *
 * safe: a function whose address is taken is never folded, and read-only
 * data is not folded at all: folding could make distinct addresses compare
 * equal. A clang object lists the symbols it takes the address of in
 * .llvm_addrsig (as lld reads it); gcc writes none, so for its objects, as
 * mold does, any relocation to a function other than a direct call or jump
 * (arch->is_call_reloc) takes its address. all: everything
 * eligible folds. A section defining a --keep-unique symbol is never a
 * candidate (lld's option: its address stays its own). Runs after merge
 * (fragments are known), before layout. */
#include "ld/ld.h"
#include <stdlib.h>
#include <xxhash.h>

struct cand {
  struct isec *isec;
  XXH128_hash_t fixed; /* bytes + non-candidate relocation targets */
  XXH128_hash_t digest;
  uint32_t cls;
  uint32_t *targets; /* candidate index per candidate-target relocation */
  uint64_t *target_off;
  uint32_t ntargets;
};

static struct cand *cands;
static uint32_t ncands;

static bool eligible(const struct isec *isec) {
  if (!isec || !isec->alive || !isec->data || !isec->size || isec->pieces || isec->eh ||
      !(isec->flags & SHF_ALLOC) || (isec->flags & (SHF_WRITE | SHF_TLS)) ||
      isec->type != SHT_PROGBITS)
    return false;
  bool text = !strncmp(isec->name, ".text", 5), rodata = !strncmp(isec->name, ".rodata", 7);
  if (ctx.opt.icf == 1)
    return text && (isec->flags & SHF_EXECINSTR);
  return text || rodata;
}

/* Candidate index + 1 of a section, 0 if none. */
static uint32_t cand_of(const struct isec *isec) {
  return isec ? (uint32_t)isec->icf_id : 0;
}

static struct symbol *rel_sym(struct isec *isec, const struct rel *r) {
  return r->sym < isec->file->nsyms ? isec->file->syms[r->sym] : NULL;
}

/* The symbols a clang object's .llvm_addrsig lists; false (and a warning)
 * if it is malformed: the relocations then say. */
static bool mark_addrsig(struct objfile *f) {
  const uint8_t *p = f->addrsig, *end = p + f->addrsig_size;
  while (p < end) {
    const uint8_t *at = p;
    uint64_t idx;
    if (!read_uleb(&p, end, &idx) || p - at > 10) { /* longer than any 64-bit value */
      warn("%s: .llvm_addrsig: truncated entry; --icf=safe reads its relocations", f->name);
      return false;
    }
    if (idx >= f->nsyms) {
      warn("%s: .llvm_addrsig: symbol index %llu out of range; --icf=safe reads its "
           "relocations", f->name, (unsigned long long)idx);
      return false;
    }
    struct symbol *sym = f->syms[idx];
    if (sym && sym->kind == SYM_DEFINED && sym->isec)
      sym->isec->icf_addr_taken = true; /* idempotent store */
  }
  return true;
}

/* --icf=safe: the sections whose address a file uses as a value. A clang
 * object says which in .llvm_addrsig (a function only called, or only
 * in a vtable, is not listed, so identical virtual functions fold); for
 * others (gcc writes none) every relocation that is not a direct call or
 * jump counts. */
static void mark_address_taken(void *arg, int64_t i) {
  struct objfile *f = ((struct objfile **)arg)[i];
  if (f->has_addrsig && mark_addrsig(f))
    return;
  for (uint32_t k = 1; k < f->nsecs; k++) {
    struct isec *isec = f->secs[k];
    if (!isec || !isec->alive || !(isec->flags & SHF_ALLOC) || !strcmp(isec->name, ".eh_frame"))
      continue;
    uint32_t n = isec_nrels(isec);
    for (uint32_t j = 0; j < n; j++) {
      struct rel r;
      get_rel(isec, j, &r);
      struct symbol *sym = rel_sym(isec, &r);
      if (!sym || sym->kind != SYM_DEFINED || !sym->isec)
        continue;
      if (!ctx.arch->is_call_reloc || !ctx.arch->is_call_reloc(r.type))
        sym->isec->icf_addr_taken = true; /* idempotent store */
    }
  }
  /* the entry point's address is taken by the kernel, harmlessly */
}

static void hash_fixed(void *arg, int64_t i) {
  struct cand *c = &cands[i];
  struct isec *isec = c->isec;
  XXH3_state_t *st = XXH3_createState();
  XXH3_128bits_reset(st);
  XXH3_128bits_update(st, &isec->size, sizeof(isec->size));
  XXH3_128bits_update(st, &isec->flags, sizeof(isec->flags));
  XXH3_128bits_update(st, &isec->addralign, sizeof(isec->addralign));
  XXH3_128bits_update(st, isec->data, isec->size);
  uint32_t n = isec_nrels(isec);
  c->targets = xcalloc(n ? n : 1, sizeof(uint32_t));
  c->target_off = xcalloc(n ? n : 1, sizeof(uint64_t));
  for (uint32_t j = 0; j < n; j++) {
    struct rel r;
    prefetch_rel(isec, j, n);
    get_rel(isec, j, &r);
    struct {
      uint64_t offset;
      int64_t addend;
      uint32_t type, kind;
      const void *id;
      uint64_t v;
    } key = {r.offset, r.addend, r.type, 0, NULL, 0};
    struct symbol *sym = rel_sym(isec, &r);
    const struct isec *t = sym && sym->kind == SYM_DEFINED ? sym->isec : NULL;
    if (t && cand_of(t)) {
      key.kind = 1;
      c->targets[c->ntargets] = cand_of(t) - 1;
      c->target_off[c->ntargets++] = sym->value;
    } else if (t && t->pieces) {
      uint64_t off = sym->value + (sym->type == STT_SECTION ? (uint64_t)r.addend : 0);
      uint32_t piece = find_piece(t, off);
      key.kind = 2, key.id = t->pieces->frags[piece], key.v = off - t->pieces->offs[piece];
      if (sym->type == STT_SECTION)
        key.addend = 0;
    } else if (sym && (sym->is_local || !sym->file)) {
      key.kind = 3, key.id = t ? (const void *)t : (const void *)sym, key.v = sym->value;
    } else {
      key.kind = 4, key.id = sym;
    }
    XXH3_128bits_update(st, &key, sizeof(key));
  }
  c->fixed = XXH3_128bits_digest(st);
  c->digest = c->fixed;
  XXH3_freeState(st);
}

static uint32_t *active; /* candidates whose class has other members */
static uint32_t nactive;

static void rehash(void *arg, int64_t i) {
  struct cand *c = &cands[active[i]];
  XXH3_state_t *st = XXH3_createState();
  XXH3_128bits_reset(st);
  XXH3_128bits_update(st, &c->fixed, sizeof(c->fixed));
  for (uint32_t k = 0; k < c->ntargets; k++) {
    uint64_t v[2] = {cands[c->targets[k]].cls, c->target_off[k]};
    XXH3_128bits_update(st, v, sizeof(v));
  }
  c->digest = XXH3_128bits_digest(st);
  XXH3_freeState(st);
}

static int cmp_digest(const void *a, const void *b) {
  const struct cand *x = &cands[*(const uint32_t *)a], *y = &cands[*(const uint32_t *)b];
  int c = XXH128_cmp(&x->digest, &y->digest);
  if (c)
    return c;
  return *(const uint32_t *)a < *(const uint32_t *)b ? -1 : 1;
}

static int cmp_class(const void *a, const void *b) {
  uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
  if (cands[i].cls != cands[j].cls)
    return cands[i].cls < cands[j].cls ? -1 : 1;
  return i < j ? -1 : 1;
}

/* Gives each candidate of set[0..n) the index of the first candidate with
 * its digest as its class; then keeps in set only the candidates whose class
 * has other members (classes only ever split, so a candidate alone in its
 * class stays alone). Returns the number of classes the set had. */
static uint32_t classify(uint32_t *set, uint32_t *n) {
  qsort(set, *n, sizeof(uint32_t), cmp_digest);
  uint32_t nclasses = 0, kept = 0;
  for (uint32_t i = 0; i < *n;) {
    uint32_t j = i, leader = set[i]; /* sorted by index within equal digests */
    while (j < *n && XXH128_isEqual(cands[set[j]].digest, cands[leader].digest))
      cands[set[j++]].cls = leader;
    if (j - i > 1)
      for (uint32_t k = i; k < j; k++)
        set[kept++] = set[k];
    nclasses++;
    i = j;
  }
  *n = kept;
  return nclasses;
}

void fold_identical_sections(void) {
  if (!ctx.opt.icf)
    return;
  if (ctx.opt.icf == 1)
    parallel_for((int64_t)ctx.live.n, mark_address_taken, ctx.live.v);
  for (size_t i = 0; i < ctx.opt.keep_unique.n; i++) {
    const char *name = ctx.opt.keep_unique.v[i];
    struct symbol *sym = symmap_find(name);
    if (sym && sym->kind == SYM_DEFINED && sym->isec)
      sym->isec->icf_keep = true;
    else
      warn("--keep-unique: no section defines %s", name);
  }

  struct vec v = {0};
  for (size_t i = 0; i < ctx.live.n; i++) {
    struct objfile *f = ctx.live.v[i];
    for (uint32_t k = 1; k < f->nsecs; k++) {
      struct isec *isec = f->secs[k];
      if (eligible(isec) && !isec->icf_keep && !(ctx.opt.icf == 1 && isec->icf_addr_taken)) {
        vec_push(&v, isec);
        isec->icf_id = (uint32_t)v.n;
      }
    }
  }
  ncands = (uint32_t)v.n;
  if (!ncands)
    return;
  cands = xcalloc(ncands, sizeof(struct cand));
  for (uint32_t i = 0; i < ncands; i++)
    cands[i].isec = v.v[i];
  xfree(v.v);

  parallel_for(ncands, hash_fixed, NULL);
  /* Refine to a fixpoint: only candidates that still share a class are
   * hashed again with their targets' classes. */
  active = xcalloc(ncands, sizeof(uint32_t));
  nactive = ncands;
  for (uint32_t i = 0; i < ncands; i++)
    active[i] = i;
  uint32_t nclasses = classify(active, &nactive), singles = ncands - nactive;
  nclasses -= singles;
  for (int round = 0; round < 64 && nactive; round++) {
    parallel_for(nactive, rehash, NULL);
    uint32_t before = nactive;
    uint32_t n = classify(active, &nactive);
    if (n == nclasses)
      break;
    nclasses = n - (before - nactive);
    singles += before - nactive;
  }
  nclasses += singles;
  xfree(active);

  uint32_t folded = 0;
  ctx.icf_leader = xcalloc(ncands, sizeof(struct isec *));
  for (uint32_t i = 0; i < ncands; i++) {
    struct cand *c = &cands[i];
    if (c->cls == i)
      continue;
    ctx.icf_leader[i] = cands[c->cls].isec;
    c->isec->alive = false;
    folded++;
  }
  if (ctx.opt.print_icf_sections) {
    /* each class contiguously, members by command-line order */
    uint32_t *order = xcalloc(ncands, sizeof(uint32_t));
    for (uint32_t i = 0; i < ncands; i++)
      order[i] = i;
    qsort(order, ncands, sizeof(uint32_t), cmp_class);
    for (uint32_t i = 0; i < ncands; i++) {
      struct cand *c = &cands[order[i]];
      if (c->cls == order[i]) {
        if (i + 1 < ncands && cands[order[i + 1]].cls == order[i])
          note("selected section %s:(%s)", c->isec->file->name, c->isec->name);
      } else {
        note("  removing identical section %s:(%s)", c->isec->file->name, c->isec->name);
      }
    }
    xfree(order);
  }
  if (ctx.opt.print_stats)
    note("icf: %u candidates, %u classes, %u sections folded", ncands, nclasses, folded);
  for (uint32_t i = 0; i < ncands; i++) {
    xfree(cands[i].targets);
    xfree(cands[i].target_off);
  }
  xfree(cands);
}
