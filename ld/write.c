/* Write: create the output under a temporary name in the destination
 * directory (or take an earlier link's output there, to write over it),
 * size it, map it, copy every section and apply its relocations in
 * parallel straight into the mapping; then the GOT, .eh_frame_hdr, the
 * symbol table and the headers. Only when everything succeeded is the file
 * renamed to the destination: a failed link never leaves a partial file.
 * Last pass. */
#include "ld/ld.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static char *tmp_path;
static int tmp_fd = -1;
/* nonzero when the old output is being written over (see
 * reuse_old_output): its first `stale` bytes still hold what the earlier
 * link wrote */
static uint64_t stale;

static void remove_tmp(void) {
  if (tmp_path)
    unlink(tmp_path);
}

/* An output left by an earlier link is written over in place, as mold
 * does, rather than replaced by a new file: the new file's page cache
 * would be fresh memory (on the 2-core VM of bench/, 120 MB of it cost
 * 15-40 ms more than rewriting cached pages) and dropping the old file's
 * pages on the final rename costs 7 ms more. It is renamed to the
 * temporary name first, so no one sees it half written, and back when the
 * link is done. Only a regular ELF file with one link, owned by this user,
 * writable and not one of the inputs (their mappings would change under
 * the link) is reused; anything else stays untouched until the rename.
 * A link that fails before the write pass leaves the old output as it was;
 * one that fails while writing (a relocation out of range) removes it,
 * as GNU ld, lld and mold do. Every byte is still written: zero_stale()
 * clears all that the streamed writes do not cover. Returns the open file
 * or -1. */
static int reuse_old_output(const char *out) {
  int fd = open(out, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return -1;
  struct stat st;
  unsigned char magic[4];
  if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_nlink != 1 || st.st_uid != geteuid() ||
      is_input_file((uint64_t)st.st_dev, (uint64_t)st.st_ino) || pread(fd, magic, 4, 0) != 4 ||
      memcmp(magic, ELFMAG, 4) || rename(out, tmp_path)) {
    close(fd);
    return -1;
  }
  stale = (uint64_t)st.st_size;
  return fd;
}

/* An output that exists and is not a regular file (/dev/null, a FIFO, a
 * terminal) is written to, never replaced: the rename would put a regular
 * file in its place, and for root that is a new /dev/null under every
 * process on the machine (build systems probe with `$CC ... -o /dev/null`);
 * for anyone else the temporary in /dev cannot be made. Its image is
 * built in anonymous memory and written out in order at the end, as GNU
 * ld, lld and mold write such outputs. */
static int special_fd = -1;

static bool open_special_output(const char *out) {
  struct stat st;
  if (stat(out, &st) || S_ISREG(st.st_mode))
    return false;
  if (S_ISDIR(st.st_mode))
    fatal("cannot write output file %s: %s", out, strerror(EISDIR));
  special_fd = open(out, O_WRONLY | O_CLOEXEC);
  if (special_fd < 0)
    fatal("cannot open output file %s: %s", out, strerror(errno));
  void *p = mmap(NULL, ctx.filesize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    fatal("cannot write output file %s (%llu bytes): %s", out, (unsigned long long)ctx.filesize,
          strerror(errno));
  ctx.out = p;
  return true;
}

void open_output(bool may_reuse) {
  const char *out = ctx.opt.output;
  if (open_special_output(out))
    return;
  const char *slash = strrchr(out, '/');
  tmp_path = slash ? xsprintf("%.*s/.%s.smelt-XXXXXX", (int)(slash - out), out, slash + 1)
                   : xsprintf(".%s.smelt-XXXXXX", out);
  tmp_fd = mkstemp(tmp_path);
  if (tmp_fd < 0) {
    tmp_path = NULL;
    fatal("cannot create output file %s: %s", out, strerror(errno));
  }
  cleanup_on_exit(remove_tmp);
  int old = may_reuse ? reuse_old_output(out) : -1;
  if (old >= 0) {
    close(tmp_fd); /* the empty file the rename replaced */
    tmp_fd = old;
    if (ftruncate(tmp_fd, (off_t)ctx.filesize))
      fatal("cannot write output file %s (%llu bytes): %s", out,
            (unsigned long long)ctx.filesize, strerror(errno));
    if (stale > ctx.filesize)
      stale = ctx.filesize;
  }
  int e = posix_fallocate(tmp_fd, 0, (off_t)ctx.filesize);
  if (e == EOPNOTSUPP || e == EINVAL)
    e = ftruncate(tmp_fd, (off_t)ctx.filesize) ? errno : 0;
  if (e)
    fatal("cannot write output file %s (%llu bytes): %s", out,
          (unsigned long long)ctx.filesize, strerror(e));
  void *p = mmap(NULL, ctx.filesize, PROT_READ | PROT_WRITE, MAP_SHARED, tmp_fd, 0);
  if (p == MAP_FAILED)
    fatal("cannot map output file %s: %s", out, strerror(errno));
  /* Nothing in the new file is worth reading ahead: without this the first
   * fault reads (zero-fills) up to read_ahead_kb around it (8 MiB on some
   * machines: all of a small output), pages that pwrite then overwrites */
  madvise(p, ctx.filesize, MADV_RANDOM);
  ctx.out = p;
}

void write_out(const uint8_t *p, uint64_t n, uint64_t off) {
  if (special_fd >= 0) {
    memcpy(ctx.out + off, p, n);
    return;
  }
  while (n) {
    ssize_t w = pwrite(tmp_fd, p, n, (off_t)off);
    if (w <= 0)
      fatal("cannot write output file %s: %s", ctx.opt.output, w ? strerror(errno) : "short write");
    p += w, n -= (uint64_t)w, off += (uint64_t)w;
  }
}

void close_output(void) {
  const char *out = ctx.opt.output;
  if (special_fd >= 0) {
    for (uint64_t at = 0; at < ctx.filesize;) {
      ssize_t w = write(special_fd, ctx.out + at, ctx.filesize - at);
      if (w <= 0)
        fatal("cannot write output file %s: %s", out, w ? strerror(errno) : "short write");
      at += (uint64_t)w;
    }
    if (close(special_fd))
      fatal("cannot write %s: %s", out, strerror(errno));
    special_fd = -1;
    return;
  }
  if (munmap(ctx.out, ctx.filesize))
    fatal("cannot write %s: %s", out, strerror(errno));
  mode_t mask = umask(0);
  umask(mask);
  if (fchmod(tmp_fd, (ctx.opt.relocatable ? 0666 : 0777) & ~mask)) /* -r: not a program */
    fatal("cannot set mode of %s: %s", out, strerror(errno));
  if (close(tmp_fd))
    fatal("cannot write %s: %s", out, strerror(errno));
  if (rename(tmp_path, out))
    fatal("cannot rename output into place as %s: %s", out, strerror(errno));
  tmp_path = NULL;
}

struct copy_job {
  struct isec **isecs;
  size_t n;
};

/* Copies bytes [off, off + n) of isec's contents to dst. A stretch of
 * PREAD_MIN or more of a file kept open is read with pread rather than
 * copied from the mapping: the kernel then copies from the page cache
 * without mapping the pages into this process first (and unmapping them at
 * exit). That is about half the cost per byte for a large stretch nothing
 * else has touched (the Go program's 3.3 MB .text and 8.5 MB of DWARF,
 * 1 MiB parts: 11.9 -> 11.4 ms with --compress-debug-sections=none); for
 * the sections of a few KiB of a C object, whose pages the parse pass has
 * mostly mapped already, it cost more than it saved (synth-medium 198 ->
 * 212 ms with 8 KiB). */
void read_isec(const struct isec *isec, uint64_t off, uint64_t n, uint8_t *dst) {
  const struct objfile *f = isec->file;
  if (n < PREAD_MIN || f->fd < 0 || isec->data < f->data ||
      (uint64_t)(isec->data - f->data) + isec->size > f->size) { /* not the file's bytes */
    memcpy(dst, isec->data + off, n);
    return;
  }
  uint64_t at = f->fd_off + (uint64_t)(isec->data - f->data) + off;
  while (n) {
    ssize_t r = pread(f->fd, dst, n, (off_t)at);
    if (r <= 0)
      fatal("%s: cannot read section %s (file offset 0x%llx): %s", f->name, isec->name,
            (unsigned long long)at,
            r ? strerror(errno) : "the file is shorter than when it was mapped");
    dst += r, at += (uint64_t)r, n -= (uint64_t)r;
  }
}

/* Copies one input section to buf, where its output bytes go, and applies
 * its relocations there. */
void copy_isec(struct isec *isec, uint8_t *buf) {
  struct osec *os = isec->osec;
  if (isec->eh)
    write_eh_frame_isec(isec, buf);
  else if (isec->data)
    read_isec(isec, 0, isec->size, buf);
  if (isec->file == ctx.internal)
    return;
  if (isec->relsec) {
    if (isec->flags & SHF_ALLOC)
      ctx.arch->apply_relocs(isec, buf, os->addr + isec->out_off, 0, 0, isec_nrels(isec));
    else
      apply_nonalloc_whole(isec, buf);
  }
}

struct copy_into {
  struct isec **isecs;
  uint8_t **bufs;
};

static void copy_into_one(void *arg, int64_t i) {
  struct copy_into *c = arg;
  copy_isec(c->isecs[i], c->bufs[i] + c->isecs[i]->out_off);
}

void copy_into_sections(struct isec **isecs, uint8_t **bufs, size_t n) {
  struct copy_into c = {isecs, bufs};
  parallel_for((int64_t)n, copy_into_one, &c);
}

static void copy_one(void *arg, int64_t i) {
  struct isec *isec = ((struct copy_job *)arg)->isecs[i];
  struct osec *os = isec->osec;
  if (os->type == SHT_NOBITS || !os->shndx || os->zparts)
    return;
  copy_isec(isec, ctx.out + os->offset + isec->out_off);
}

/* ---- sections written with pwrite ----
 * Most output bytes (all of a -g link's debug info, and the code and data
 * of plain input sections) are copied from the mapped inputs into a
 * per-thread buffer, relocated there, and the buffer goes to the output with
 * one pwrite per chunk: those output pages are never mapped, so they cost no
 * page faults (a first touch of a fresh file page through a mapping
 * zero-fills it and then faults again to dirty it) and no resident memory.
 * A chunk is a run of one output section's members of about STREAM_CHUNK
 * bytes, or a part of one large debug section (a Go object's .debug_info
 * is megabytes in one section), so that both threads share such a section. */
enum { STREAM_CHUNK = 1 << 20 };

static struct vec chunks; /* struct chunk * */

static uint64_t rel_offset(const struct isec *isec, uint32_t i) {
  struct rel r;
  get_rel(isec, i, &r);
  return r.offset;
}

/* The first relocation at or past off, if they are sorted by offset (as
 * compilers write them; if not, the parts notice and the section is done
 * whole). */
uint32_t first_rel_at(const struct isec *isec, uint32_t n, uint64_t off) {
  uint32_t lo = 0;
  while (n) {
    uint32_t half = n / 2;
    if (rel_offset(isec, lo + half) < off)
      lo += half + 1, n -= half + 1;
    else
      n = half;
  }
  return lo;
}

/* Where a part of an allocated section may end at or after relocation r:
 * in a gap between two relocations wide enough that neither one's
 * relaxation (which rewrites instruction bytes around the field) reaches
 * across. Returns the relocation that starts the next part, or nrels if no
 * gap comes within MAX_GAP_SEARCH relocations (the part then runs to the
 * end), and sets *cut. */
enum { MAX_GAP_SEARCH = 4096 };

uint32_t gap_after(const struct isec *isec, uint32_t nrels, uint32_t r, uint64_t *cut) {
  uint64_t before = ctx.arch->relax_before, after = ctx.arch->relax_after;
  *cut = isec->size;
  if (r >= nrels)
    return nrels;
  uint32_t stop = nrels - r > MAX_GAP_SEARCH ? r + MAX_GAP_SEARCH : nrels;
  for (uint32_t k = r ? r : 1; k < stop; k++) {
    uint64_t prev = rel_offset(isec, k - 1), next = rel_offset(isec, k);
    if (next >= prev && next - prev >= before + after + 8) {
      *cut = prev + 8 + after;
      return k;
    }
  }
  return nrels;
}

/* Splits member k of os into parts of about STREAM_CHUNK bytes, each
 * starting where a relocation starts so that no field straddles two (or,
 * in an allocated section, in a gap between relocations). */
static void plan_parts(struct osec *os, uint32_t k, uint64_t size, struct vec *out) {
  struct isec *isec = os->members.v[k];
  uint32_t nrels = isec->relsec ? isec_nrels(isec) : 0;
  bool alloc = isec->flags & SHF_ALLOC;
  uint64_t lo = 0;
  uint32_t rlo = 0;
  while (lo < isec->size) {
    uint64_t hi = isec->size - lo > 3 * size / 2 ? lo + size : isec->size;
    uint32_t rhi = nrels;
    if (hi < isec->size && nrels) {
      rhi = first_rel_at(isec, nrels, hi);
      if (rhi < rlo)
        rhi = rlo;
      if (alloc) {
        rhi = gap_after(isec, nrels, rhi > rlo ? rhi : rlo + 1, &hi);
        if (hi < lo || hi > isec->size)
          hi = isec->size, rhi = nrels; /* unsorted: no cut */
      } else if (rhi < nrels) {
        uint64_t at = rel_offset(isec, rhi);
        hi = at < lo ? lo : at > isec->size ? isec->size : at;
      }
    }
    struct chunk *c = xalloc(sizeof(*c));
    *c = (struct chunk){.os = os, .first = k, .end = k + 1, .part = true,
                        .lo = lo, .hi = hi, .rfirst = rlo, .rend = rhi};
    vec_push(out, c);
    if (hi == lo && rhi == rlo)
      rhi = nrels, c->rend = nrels, c->hi = hi = isec->size; /* no progress: the rest */
    lo = hi, rlo = rhi;
  }
}

static bool splittable(const struct isec *isec, uint64_t size) { return isec->size > 2 * size; }

/* The chunks of members [k, n) of os, all plain, of about size bytes. */
static void plan_chunks(struct osec *os, uint32_t k, uint32_t n, uint64_t size, struct vec *out) {
  struct isec **m = (struct isec **)os->members.v;
  while (k < n) {
    if (splittable(m[k], size)) {
      plan_parts(os, k++, size, out);
      continue;
    }
    struct chunk *c = xalloc(sizeof(*c));
    *c = (struct chunk){.os = os, .first = k};
    uint64_t lo = m[k]->out_off;
    while (k < n && !splittable(m[k], size) &&
           (k == c->first || m[k]->out_off + m[k]->size - lo <= size))
      k++;
    c->end = k;
    vec_push(out, c);
  }
}

/* Sections written with pwrite: the runs of plain input sections (not
 * merged strings, .eh_frame records or bytes of the linker's own) of the
 * output sections; the other members go through the mapping. The runs, and
 * which members are the linker's own, are found in parallel over blocks of
 * members: .text and the debug sections of a -ffunction-sections link have
 * a member per function. */
enum { MBLOCK = 4096 };

struct mblock {
  struct osec *os;
  size_t lo, hi;
  struct vec own;    /* members of the linker's own */
  struct vec chunks; /* of the runs of plain members */
};

static bool streamable(const struct osec *os) {
  return os->type != SHT_NOBITS && os->shndx && !os->zparts && os->members.n &&
         os->kind == OS_REGULAR;
}

bool plain_member(const struct isec *isec) {
  return isec->alive && !isec->pieces && isec->file != ctx.internal && !isec->eh && isec->data;
}

void plan_section_chunks(struct osec *os, uint64_t size, struct vec *out) {
  plan_chunks(os, 0, (uint32_t)os->members.n, size, out);
}

static void scan_block(void *arg, int64_t i) {
  struct mblock *b = &((struct mblock *)arg)[i];
  bool stream = streamable(b->os);
  size_t run = b->lo; /* start of the current run of plain members */
  for (size_t k = b->lo; k <= b->hi; k++) {
    struct isec *isec = k < b->hi ? b->os->members.v[k] : NULL;
    if (isec && isec->file == ctx.internal)
      vec_push(&b->own, isec);
    if (isec && stream && plain_member(isec)) {
      isec->streamed = true;
      continue;
    }
    if (run < k)
      plan_chunks(b->os, (uint32_t)run, (uint32_t)k, STREAM_CHUNK, &b->chunks);
    run = k + 1;
  }
}

/* Marks the streamed members and plans their chunks (which never span two
 * blocks); returns the linker's own members. */
static struct vec classify_members(void) {
  size_t nb = 0;
  for (size_t i = 0; i < ctx.osecs.n; i++)
    nb += (((struct osec *)ctx.osecs.v[i])->members.n + MBLOCK - 1) / MBLOCK;
  struct mblock *bs = xcalloc(nb ? nb : 1, sizeof(*bs));
  nb = 0;
  for (size_t i = 0; i < ctx.osecs.n; i++) {
    struct osec *os = ctx.osecs.v[i];
    for (size_t lo = 0; lo < os->members.n; lo += MBLOCK)
      bs[nb++] = (struct mblock){.os = os, .lo = lo,
                                 .hi = lo + MBLOCK < os->members.n ? lo + MBLOCK : os->members.n};
  }
  parallel_for((int64_t)nb, scan_block, bs);
  struct vec own = {0};
  for (size_t i = 0; i < nb; i++) {
    for (size_t k = 0; k < bs[i].own.n; k++)
      vec_push(&own, bs[i].own.v[k]);
    for (size_t k = 0; k < bs[i].chunks.n; k++)
      vec_push(&chunks, bs[i].chunks.v[k]);
    xfree(bs[i].own.v);
    xfree(bs[i].chunks.v);
  }
  xfree(bs);
  return own;
}

uint8_t *scratch(uint64_t n) {
  static __thread struct reuse_buf b;
  return reuse_buf(&b, n, 1);
}

/* Every relocation of part c, with the bytes its relaxation may rewrite,
 * lies inside it (if not, the table is not sorted by offset). */
static bool relocs_inside(const struct chunk *c) {
  const struct isec *isec = c->os->members.v[c->first];
  /* the section's own ends need no margin */
  uint64_t lo = c->lo ? c->lo + ctx.arch->relax_before : 0;
  uint64_t hi = c->hi >= isec->size         ? isec->size
                : c->hi > ctx.arch->relax_after ? c->hi - ctx.arch->relax_after
                                                : 0;
  for (uint32_t i = c->rfirst; i < c->rend; i++) {
    uint64_t off = rel_offset(isec, i);
    if (off < lo || off > hi)
      return false;
  }
  return true;
}

uint64_t chunk_start(const struct chunk *c) {
  const struct isec *isec = c->os->members.v[c->first];
  return isec->out_off + (c->part ? c->lo : 0);
}

uint64_t chunk_end(const struct chunk *c) {
  const struct isec *isec = c->os->members.v[c->part ? c->first : c->end - 1];
  return isec->out_off + (c->part ? c->hi : isec->size);
}

bool build_chunk(const struct chunk *c, uint8_t *buf) {
  struct isec **m = (struct isec **)c->os->members.v;
  if (c->part) {
    struct isec *isec = m[c->first];
    read_isec(isec, c->lo, c->hi - c->lo, buf);
    if (!isec->relsec)
      return true;
    if (!(isec->flags & SHF_ALLOC))
      return ctx.arch->apply_nonalloc_relocs(isec, buf, c->lo, c->hi, c->rfirst, c->rend);
    return relocs_inside(c) && ctx.arch->apply_relocs(isec, buf, c->os->addr + isec->out_off,
                                                      c->lo, c->rfirst, c->rend);
  }
  /* buf stands for the output section's bytes from the first member on */
  uint64_t lo = m[c->first]->out_off, at = lo;
  for (uint32_t k = c->first; k < c->end; k++) {
    struct isec *isec = m[k];
    memset(buf + (at - lo), 0, isec->out_off - at);
    at = isec->out_off + isec->size;
    copy_isec(isec, buf + (isec->out_off - lo));
  }
  return true;
}

/* A run of whole members, or a part of one. */
static void write_run(struct chunk *c) {
  uint64_t lo = chunk_start(c), hi = chunk_end(c);
  uint8_t *buf = scratch(hi - lo);
  if (!build_chunk(c, buf)) {
    c->failed = true;
    return;
  }
  write_out(buf, hi - lo, c->os->offset + lo);
}

static void write_chunk(void *arg, int64_t i) { write_run(((struct chunk **)arg)[i]); }

/* A section whose relocations did not fit its parts (unsorted or
 * overlapping) is written again whole, over what its parts wrote. */
static void redo_failed_parts(void) {
  const struct chunk *done = NULL;
  for (size_t i = 0; i < chunks.n; i++) {
    struct chunk *c = chunks.v[i];
    if (!c->failed || (done && done->os == c->os && done->first == c->first))
      continue;
    write_run(&(struct chunk){.os = c->os, .first = c->first, .end = c->first + 1});
    done = c;
  }
}

static void copy_file(void *arg, int64_t i) {
  struct objfile *f = ((struct objfile **)arg)[i];
  for (uint32_t k = 1; k < f->nsecs; k++) {
    struct isec *isec = f->secs[k];
    if (isec && isec->alive && isec->osec && !isec->pieces && !isec->streamed)
      copy_one(&(struct copy_job){&isec, 1}, 0);
  }
}

/* The compressed sections' parts, with pwrite like the streamed ones. */
static void write_zpart(void *arg, int64_t i) {
  const struct osec *os = ((struct osec **)arg)[2 * i];
  const struct zpart *z = ((struct zpart **)arg)[2 * i + 1];
  write_out(z->p, z->n, os->offset + z->off);
}

static void write_compressed(void) {
  struct vec parts = {0}; /* pairs: osec, part */
  for (size_t i = 0; i < ctx.osecs.n; i++) {
    struct osec *os = ctx.osecs.v[i];
    for (uint32_t k = 0; k < os->nzparts; k++) {
      vec_push(&parts, os);
      vec_push(&parts, &os->zparts[k]);
    }
  }
  parallel_for((int64_t)parts.n / 2, write_zpart, parts.v);
  xfree(parts.v);
}

static void fill_got(void *arg, int64_t i) {
  struct gotent *g = &ctx.gotents[i];
  uint64_t v = sym_addr(g->sym);
  if (g->is_tp)
    v = v - ctx.tp_addr;
  uint8_t *p = ctx.out + ctx.got->offset + (uint64_t)i * ctx.arch->got_entsize;
  if (ctx.arch->got_entsize == 8)
    wr64(p, v);
  else
    wr32(p, (uint32_t)v);
}

/* GNU when IFUNC symbols are in the output, as GNU ld marks it: readelf
 * and the like read STT_GNU_IFUNC only then. */
static uint8_t osabi(void) { return ctx.nifunc ? ELFOSABI_GNU : ELFOSABI_NONE; }

static void write_headers(void) {
  const struct arch *a = ctx.arch;
  struct osec **oss = (struct osec **)ctx.osecs.v;
  if (a->is64) {
    Elf64_Ehdr e = {0};
    memcpy(e.e_ident, ELFMAG, 4);
    e.e_ident[EI_CLASS] = ELFCLASS64;
    e.e_ident[EI_DATA] = ELFDATA2LSB;
    e.e_ident[EI_VERSION] = EV_CURRENT;
    e.e_ident[EI_OSABI] = osabi();
    e.e_type = ctx.opt.pie ? ET_DYN : ET_EXEC;
    e.e_machine = a->machine;
    e.e_version = EV_CURRENT;
    e.e_entry = ctx.entry;
    e.e_phoff = ctx.phdr_off;
    e.e_shoff = ctx.shoff;
    e.e_ehsize = sizeof(Elf64_Ehdr);
    e.e_phentsize = sizeof(Elf64_Phdr);
    e.e_phnum = (uint16_t)ctx.nphdrs;
    e.e_shentsize = sizeof(Elf64_Shdr);
    e.e_shnum = (uint16_t)(ctx.nshdrs < SHN_LORESERVE ? ctx.nshdrs : 0);
    e.e_shstrndx = (uint16_t)ctx.shstrtab->shndx;
    memcpy(ctx.out, &e, sizeof(e));
    for (int i = 0; i < ctx.nphdrs; i++) {
      struct phdr *p = &ctx.phdrs[i];
      Elf64_Phdr ph = {p->type, p->flags, p->offset, p->vaddr, p->vaddr,
                       p->filesz, p->memsz, p->align};
      memcpy(ctx.out + ctx.phdr_off + i * sizeof(ph), &ph, sizeof(ph));
    }
    uint8_t *sh = ctx.out + ctx.shoff;
    Elf64_Shdr null = {0};
    if (ctx.nshdrs >= SHN_LORESERVE)
      null.sh_size = ctx.nshdrs;
    memcpy(sh, &null, sizeof(null));
    for (size_t i = 0; i < ctx.osecs.n; i++) {
      struct osec *os = oss[i];
      Elf64_Shdr s = {os->name_off, os->type, os->flags, os->addr, os->offset, os->size,
                      os->link, os->info, os->align, os->entsize};
      memcpy(sh + os->shndx * sizeof(s), &s, sizeof(s));
    }
  } else {
    Elf32_Ehdr e = {0};
    memcpy(e.e_ident, ELFMAG, 4);
    e.e_ident[EI_CLASS] = ELFCLASS32;
    e.e_ident[EI_DATA] = ELFDATA2LSB;
    e.e_ident[EI_VERSION] = EV_CURRENT;
    e.e_ident[EI_OSABI] = osabi();
    e.e_type = ctx.opt.pie ? ET_DYN : ET_EXEC;
    e.e_machine = a->machine;
    e.e_version = EV_CURRENT;
    e.e_entry = (uint32_t)ctx.entry;
    e.e_phoff = (uint32_t)ctx.phdr_off;
    e.e_shoff = (uint32_t)ctx.shoff;
    e.e_ehsize = sizeof(Elf32_Ehdr);
    e.e_phentsize = sizeof(Elf32_Phdr);
    e.e_phnum = (uint16_t)ctx.nphdrs;
    e.e_shentsize = sizeof(Elf32_Shdr);
    e.e_shnum = (uint16_t)(ctx.nshdrs < SHN_LORESERVE ? ctx.nshdrs : 0);
    e.e_shstrndx = (uint16_t)ctx.shstrtab->shndx;
    memcpy(ctx.out, &e, sizeof(e));
    for (int i = 0; i < ctx.nphdrs; i++) {
      struct phdr *p = &ctx.phdrs[i];
      Elf32_Phdr ph = {p->type, (uint32_t)p->offset, (uint32_t)p->vaddr, (uint32_t)p->vaddr,
                       (uint32_t)p->filesz, (uint32_t)p->memsz, p->flags, (uint32_t)p->align};
      memcpy(ctx.out + ctx.phdr_off + i * sizeof(ph), &ph, sizeof(ph));
    }
    uint8_t *sh = ctx.out + ctx.shoff;
    Elf32_Shdr null = {0};
    if (ctx.nshdrs >= SHN_LORESERVE)
      null.sh_size = ctx.nshdrs;
    memcpy(sh, &null, sizeof(null));
    for (size_t i = 0; i < ctx.osecs.n; i++) {
      struct osec *os = oss[i];
      Elf32_Shdr s = {os->name_off, os->type, (uint32_t)os->flags, (uint32_t)os->addr,
                      (uint32_t)os->offset, (uint32_t)os->size, os->link, os->info,
                      (uint32_t)os->align, (uint32_t)os->entsize};
      memcpy(sh + os->shndx * sizeof(s), &s, sizeof(s));
    }
  }
}

static void resolve_entry(void) {
  const char *name = ctx.opt.entry ? ctx.opt.entry : "_start";
  struct symbol *sym = symmap_find(name);
  if (sym && sym_is_defined(sym)) {
    ctx.entry = sym_addr(sym);
    return;
  }
  char *end;
  unsigned long long v = strtoull(name, &end, 0);
  if (ctx.opt.entry && !*end) {
    ctx.entry = v;
    return;
  }
  uint64_t text = 0;
  for (size_t i = 0; i < ctx.osecs.n; i++) {
    struct osec *os = ctx.osecs.v[i];
    if (!strcmp(os->name, ".text"))
      text = os->addr;
  }
  warn("cannot find entry symbol %s; defaulting to 0x%llx", name, (unsigned long long)text);
  ctx.entry = text;
}

size_t uncovered(struct span *covered, size_t n, uint64_t end, struct span *gaps) {
  n = merge_spans(covered, n); /* sorted and apart: the gaps lie between them */
  size_t ng = 0;
  uint64_t at = 0;
  for (size_t i = 0; i <= n && at < end; i++) {
    uint64_t to = i < n && covered[i].lo < end ? covered[i].lo : end;
    if (to > at)
      gaps[ng++] = (struct span){at, to};
    if (i < n)
      at = covered[i].hi;
  }
  return ng;
}

/* In a reused output, zeroes every old byte that the streamed chunks and
 * the compressed parts will not write whole: the padding between sections
 * and the bytes written through the mapping, which cover only what they
 * set (a new file reads as zeros there). */
static void zero_stale(void) {
  uint64_t n = 0;
  for (size_t i = 0; i < ctx.osecs.n; i++)
    n += ((struct osec *)ctx.osecs.v[i])->nzparts;
  struct span *r = xcalloc(chunks.n + n + 1, sizeof(*r));
  struct span *gaps = xcalloc(chunks.n + n + 1, sizeof(*gaps));
  n = 0;
  for (size_t i = 0; i < chunks.n; i++) {
    const struct chunk *c = chunks.v[i];
    r[n++] = (struct span){c->os->offset + chunk_start(c), c->os->offset + chunk_end(c)};
  }
  for (size_t i = 0; i < ctx.osecs.n; i++) {
    const struct osec *os = ctx.osecs.v[i];
    for (uint32_t k = 0; k < os->nzparts; k++) {
      uint64_t at = os->offset + os->zparts[k].off;
      r[n++] = (struct span){at, at + os->zparts[k].n};
    }
  }
  static const uint8_t zeros[64 << 10];
  size_t ng = uncovered(r, n, stale, gaps);
  for (size_t i = 0; i < ng; i++)
    for (uint64_t at = gaps[i].lo; at < gaps[i].hi;) {
      uint64_t len = gaps[i].hi - at < sizeof(zeros) ? gaps[i].hi - at : sizeof(zeros);
      write_out(zeros, len, at);
      at += len;
    }
  xfree(gaps);
  xfree(r);
}

void write_output(void) {
  resolve_entry();
  check_errors();
  open_output(true);

  /* The linker's own sections, then every file's allocated sections, one
   * file per iteration, then the streamed non-allocated ones. */
  struct vec own = classify_members();
  if (stale)
    zero_stale();
  struct copy_job job = {(struct isec **)own.v, own.n};
  parallel_for((int64_t)own.n, copy_one, &job);
  xfree(own.v);
  parallel_for((int64_t)ctx.live.n, copy_file, ctx.live.v);
  parallel_for((int64_t)chunks.n, write_chunk, chunks.v);
  redo_failed_parts();
  write_compressed();
  if (ctx.arch->finish_output)
    ctx.arch->finish_output();

  if (ctx.got->shndx)
    parallel_for(ctx.ngot, fill_got, NULL);
  write_ifunc_sections();
  if (ctx.opt.pie)
    write_pie_sections();
  write_eh_frame_hdr();
  write_symtab();
  write_emit_relocs();
  write_headers();
  check_errors();
  write_build_id(); /* hashes everything above */
  close_output();
}
