/* Debug output: --compress-debug-sections and --build-id.
 *
 * Compression (pigz's technique): each .debug_* output section is cut into
 * the streamed writer's chunks, here of about 256 KiB (runs of members, or
 * parts of one large member cut where a relocation starts), and each chunk
 * is built (copy + relocate) in a thread's buffer and deflated at once
 * while its bytes are in cache, as raw deflate ending in a full flush (the
 * section's last in Z_FINISH). Behind a zlib header and before the
 * combined adler32 they form one valid zlib stream, behind a gABI
 * Elf_Chdr, in an SHF_COMPRESSED section; ld/write.c writes the pieces
 * where they go. A section with members the chunks cannot build (merged
 * strings) is built whole first and deflated in slices of the same size.
 * --compress-debug-sections=zstd cuts the same way and makes each chunk a
 * zstd frame of its own: the frames, laid end to end behind the Elf_Chdr,
 * are what ELFCOMPRESS_ZSTD readers decompress as one.
 * Neither cut depends on the thread count, so the bytes do not either.
 * Runs after layout, then the non-alloc sections are placed again with
 * their new sizes.
 *
 * Build id: the whole output (with the id zeroed) is hashed in fixed 1 MiB
 * chunks in parallel, then the chunk digests are hashed once more: fast is
 * xxh3-128, md5 and sha1 use libcrypto, uuid is random, 0xHEX is given. */
#include "ld/ld.h"
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/md5.h>
#include <openssl/sha.h>
#include <sys/random.h>
#include <xxhash.h>
#include <zlib.h>
#include <zstd.h>

enum { CHUNK = 1 << 20, ZCHUNK = 1 << 18 };

/* zlib level 1, as mold and lld compress, with a stream per thread that
 * is kept and reset for each part: a new stream allocated and freed its
 * 256 KiB of window, hash and buffers for every part (~1000 parts on the
 * synthetic bench link, 1-2 % of its compress pass). */
size_t deflate_part(const uint8_t *in, size_t n, bool last, uint8_t **out) {
  static __thread z_stream z;
  static __thread bool ready;
  if (!ready) {
    if (deflateInit2(&z, 1, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
      fatal("zlib: deflateInit2 failed");
    ready = true;
  } else if (deflateReset(&z) != Z_OK) {
    fatal("zlib: deflateReset failed");
  }
  size_t cap = deflateBound(&z, n) + 16;
  *out = xrealloc(*out, cap);
  z.next_in = (Bytef *)in;
  z.avail_in = (uInt)n;
  z.next_out = *out;
  z.avail_out = (uInt)cap;
  int rc = deflate(&z, last ? Z_FINISH : Z_FULL_FLUSH);
  if ((last && rc != Z_STREAM_END) || (!last && rc != Z_OK) || z.avail_in)
    fatal("zlib: deflate failed (%d)", rc);
  return cap - z.avail_out;
}

/* zstd level 1, the fastest of its regular levels, with a context per
 * thread that is kept (an ELFCOMPRESS_ZSTD section is these frames one
 * after the other). */
size_t zstd_part(const uint8_t *in, size_t n, uint8_t **out) {
  static __thread ZSTD_CCtx *cctx;
  if (!cctx && !(cctx = ZSTD_createCCtx()))
    fatal("zstd: cannot create a compression context");
  size_t cap = ZSTD_compressBound(n);
  *out = xrealloc(*out, cap);
  size_t len = ZSTD_compressCCtx(cctx, *out, cap, in, n, 1);
  if (ZSTD_isError(len))
    fatal("zstd: %s", ZSTD_getErrorName(len));
  return len;
}

bool is_debug_osec(const struct osec *os) {
  return !(os->flags & SHF_ALLOC) && os->type == SHT_PROGBITS && os->size > 0 &&
         !strncmp(os->name, ".debug", 6);
}

/* The section's bytes [lo, hi), deflated: built by chunk c (with zeros
 * around it up to lo and hi), or taken from src. */
struct zchunk {
  struct osec *os;
  const struct chunk *c;
  const uint8_t *src;
  uint64_t lo, hi;
  bool last, failed;
  uint8_t *out;
  size_t outlen;
  uLong adler;
};

static void compress_one(void *arg, int64_t i) {
  struct zchunk *c = ((struct zchunk **)arg)[i];
  size_t inlen = c->hi - c->lo;
  const uint8_t *in = c->src;
  if (!in) {
    uint8_t *buf = scratch(inlen);
    uint64_t s = chunk_start(c->c), e = chunk_end(c->c);
    memset(buf, 0, s - c->lo);
    memset(buf + (e - c->lo), 0, c->hi - e);
    if (!build_chunk(c->c, buf + (s - c->lo))) {
      c->failed = true;
      return;
    }
    in = buf;
  }
  if (ctx.opt.compress_zstd) {
    if (inlen)
      c->outlen = zstd_part(in, inlen, &c->out);
    return;
  }
  c->adler = adler32(adler32(0, NULL, 0), in, (uInt)inlen);
  if (inlen || c->last)
    c->outlen = deflate_part(in, inlen, c->last, &c->out);
}

static struct zchunk *new_zchunk(struct vec *zs, struct osec *os, uint64_t lo, uint64_t hi) {
  struct zchunk *z = xcalloc(1, sizeof(*z));
  *z = (struct zchunk){.os = os, .lo = lo, .hi = hi, .last = hi == os->size};
  vec_push(zs, z);
  return z;
}

/* The pieces of os: its chunks if every member is plain, else slices of the
 * whole section, built (copy_into_sections) into a buffer kept in *wholes. */
static void plan_zchunks(struct osec *os, struct vec *zs, struct vec *isecs, struct vec *bufs,
                         struct vec *wholes) {
  bool plain = true;
  for (size_t k = 0; k < os->members.n && plain; k++)
    plain = plain_member(os->members.v[k]);
  if (plain) {
    struct vec cs = {0};
    plan_section_chunks(os, ZCHUNK, &cs);
    for (size_t k = 0; k < cs.n; k++) {
      uint64_t lo = k ? chunk_start(cs.v[k]) : 0;
      uint64_t hi = k + 1 < cs.n ? chunk_start(cs.v[k + 1]) : os->size;
      struct zchunk *z = new_zchunk(zs, os, lo, hi);
      z->c = cs.v[k];
      z->last = k + 1 == cs.n;
    }
    xfree(cs.v);
    return;
  }
  uint8_t *buf = xcalloc(1, os->size);
  vec_push(wholes, buf);
  for (size_t k = 0; k < os->members.n; k++) {
    vec_push(isecs, os->members.v[k]);
    vec_push(bufs, buf);
  }
  for (uint64_t off = 0; off < os->size; off += ZCHUNK)
    new_zchunk(zs, os, off, os->size - off < ZCHUNK ? os->size : off + ZCHUNK)->src = buf + off;
}

static bool same_member(const struct zchunk *a, const struct zchunk *b) {
  return a->c && a->c->part && a->os == b->os && a->c->first == b->c->first;
}

/* A member whose relocations did not fit its parts (unsorted or
 * overlapping) is built whole, and all its parts compressed again from it. */
static void redo_failed(struct vec *zs, struct vec *wholes) {
  struct zchunk **z = (struct zchunk **)zs->v;
  for (size_t i = 0; i < zs->n; i++) {
    if (!z[i]->failed)
      continue;
    size_t a = i, b = i;
    while (a > 0 && same_member(z[a - 1], z[i]))
      a--;
    while (b < zs->n && same_member(z[b], z[i]))
      b++;
    uint64_t lo = z[a]->lo, hi = z[b - 1]->hi;
    uint8_t *buf = xcalloc(1, hi - lo + 1);
    vec_push(wholes, buf);
    struct isec *isec = z[i]->os->members.v[z[i]->c->first];
    copy_isec(isec, buf + (isec->out_off - lo));
    for (size_t k = a; k < b; k++) {
      z[k]->src = buf + (z[k]->lo - lo);
      z[k]->failed = false;
      compress_one(z, (int64_t)k);
    }
    i = b - 1;
  }
}

/* os's pieces: Elf_Chdr and zlib header, the deflated chunks [first, end),
 * the adler32 of them all; or for zstd the header and the frames. */
static void assemble(struct osec *os, struct zchunk **z, size_t first, size_t end) {
  bool zstd = ctx.opt.compress_zstd;
  uint32_t type = zstd ? ELFCOMPRESS_ZSTD : ELFCOMPRESS_ZLIB;
  size_t chdr = ctx.arch->is64 ? sizeof(Elf64_Chdr) : sizeof(Elf32_Chdr);
  size_t zhead = zstd ? 0 : 2, ztail = zstd ? 0 : 4;
  uint8_t *head = xalloc(chdr + zhead + ztail), *tail = head + chdr + zhead;
  if (ctx.arch->is64) {
    Elf64_Chdr h = {type, 0, os->size, os->align};
    memcpy(head, &h, sizeof(h));
  } else {
    Elf32_Chdr h = {type, (Elf32_Word)os->size, (Elf32_Word)os->align};
    memcpy(head, &h, sizeof(h));
  }
  if (!zstd)
    head[chdr] = 0x78, head[chdr + 1] = 0x01; /* zlib header: deflate, 32K window, fastest */
  os->nzparts = (uint32_t)(end - first + 1 + !zstd);
  os->zparts = xcalloc(os->nzparts, sizeof(struct zpart));
  os->zparts[0] = (struct zpart){head, chdr + zhead, 0};
  uint64_t off = chdr + zhead;
  uLong adler = adler32(0, NULL, 0);
  for (size_t k = first; k < end; k++) {
    os->zparts[k - first + 1] = (struct zpart){z[k]->out, z[k]->outlen, off};
    off += z[k]->outlen;
    adler = adler32_combine(adler, z[k]->adler, (z_off_t)(z[k]->hi - z[k]->lo));
  }
  if (!zstd) {
    tail[0] = (uint8_t)(adler >> 24), tail[1] = (uint8_t)(adler >> 16);
    tail[2] = (uint8_t)(adler >> 8), tail[3] = (uint8_t)adler;
    os->zparts[os->nzparts - 1] = (struct zpart){tail, 4, off};
  }
  os->size = off + ztail;
  os->flags |= SHF_COMPRESSED;
  os->align = ctx.arch->is64 ? 8 : 4;
}

/* Each section's pieces assembled (the pieces of one section are
 * consecutive in zs), and the list freed. */
static void assemble_all(struct vec *zs) {
  struct zchunk **z = (struct zchunk **)zs->v;
  for (size_t first = 0, end; first < zs->n; first = end) {
    for (end = first + 1; end < zs->n && z[end]->os == z[first]->os;)
      end++;
    assemble(z[first]->os, z, first, end);
  }
  for (size_t i = 0; i < zs->n; i++)
    xfree(z[i]);
  xfree(zs->v);
  *zs = (struct vec){0};
}

void compress_debug_sections(void) {
  if (!ctx.opt.compress_debug)
    return;
  struct vec zs = {0}, isecs = {0}, bufs = {0}, wholes = {0};
  for (size_t i = 0; i < ctx.osecs.n; i++)
    if (is_debug_osec(ctx.osecs.v[i]))
      plan_zchunks(ctx.osecs.v[i], &zs, &isecs, &bufs, &wholes);
  if (!zs.n)
    return;
  copy_into_sections((struct isec **)isecs.v, (uint8_t **)bufs.v, isecs.n);
  check_errors();
  parallel_for((int64_t)zs.n, compress_one, zs.v);
  redo_failed(&zs, &wholes);
  check_errors();

  assemble_all(&zs);
  for (size_t i = 0; i < wholes.n; i++)
    xfree(wholes.v[i]);
  xfree(isecs.v);
  xfree(bufs.v);
  xfree(wholes.v);
  layout_nonalloc();
}

void compress_whole(struct osec **oss, uint8_t *const *bufs, size_t n) {
  struct vec zs = {0};
  for (size_t i = 0; i < n; i++)
    for (uint64_t off = 0; off < oss[i]->size; off += ZCHUNK)
      new_zchunk(&zs, oss[i], off, oss[i]->size - off < ZCHUNK ? oss[i]->size : off + ZCHUNK)
          ->src = bufs[i] + off;
  parallel_for((int64_t)zs.n, compress_one, zs.v);
  assemble_all(&zs);
}

/* ---- build id ---- */

size_t build_id_size(void) {
  switch (ctx.opt.build_id) {
  case BUILD_ID_SHA1:
    return 20;
  case BUILD_ID_HEX:
    return ctx.opt.build_id_hex_len;
  default:
    return 16;
  }
}

struct hjob {
  size_t dlen;
  uint8_t *digests;
  uint64_t nchunks;
};

static void digest(const uint8_t *p, size_t n, uint8_t *out) {
  switch (ctx.opt.build_id) {
  case BUILD_ID_FAST: {
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, XXH3_128bits(p, n));
    memcpy(out, c.digest, 16);
    break;
  }
  case BUILD_ID_MD5:
  case BUILD_ID_SHA1: {
    /* the low-level digests (deprecated in OpenSSL 3, still there) rather
     * than EVP: a static libcrypto then brings just the two digests, not
     * 4 MiB of providers whose relocations every start would apply */
    if (ctx.opt.build_id == BUILD_ID_MD5) {
      MD5_CTX c;
      MD5_Init(&c);
      MD5_Update(&c, p, n);
      MD5_Final(out, &c);
    } else {
      SHA_CTX c;
      SHA1_Init(&c);
      SHA1_Update(&c, p, n);
      SHA1_Final(out, &c);
    }
    break;
  }
  }
}

static void hash_chunk(void *arg, int64_t i) {
  struct hjob *j = arg;
  uint64_t off = (uint64_t)i * CHUNK;
  uint64_t n = ctx.filesize - off < CHUNK ? ctx.filesize - off : CHUNK;
  digest(ctx.out + off, n, j->digests + (size_t)i * j->dlen);
}

void write_build_id(void) {
  struct osec *os = ctx.build_id;
  if (!os || !os->shndx)
    return;
  uint8_t *note = ctx.out + os->offset;
  size_t n = build_id_size();
  wr_note_head(note, "GNU", (uint32_t)n, NT_GNU_BUILD_ID);
  uint8_t *desc = note + 16;
  memset(desc, 0, n);
  switch (ctx.opt.build_id) {
  case BUILD_ID_HEX:
    memcpy(desc, ctx.opt.build_id_hex, n);
    return;
  case BUILD_ID_UUID:
    if (getrandom(desc, 16, 0) != 16)
      fatal("build id: cannot read random bytes");
    desc[6] = (desc[6] & 0x0f) | 0x40; /* RFC 4122 version 4 */
    desc[8] = (desc[8] & 0x3f) | 0x80;
    return;
  }
  struct hjob j = {n, NULL, (ctx.filesize + CHUNK - 1) / CHUNK};
  j.digests = xcalloc(j.nchunks, n);
  parallel_for((int64_t)j.nchunks, hash_chunk, &j);
  digest(j.digests, j.nchunks * n, desc);
  xfree(j.digests);
}
