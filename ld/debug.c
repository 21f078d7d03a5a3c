/* Debug output: --compress-debug-sections and --build-id.
 *
 * Compression (pigz's technique): each .debug_* output section is built in
 * memory (copy + relocate, in parallel), cut into fixed 1 MiB chunks, and
 * every chunk is deflated on its own thread as raw deflate ending in a full
 * flush (the last one in Z_FINISH). Concatenated behind a zlib header and
 * the combined adler32 they form one valid zlib stream, behind a gABI
 * Elf_Chdr, in an SHF_COMPRESSED section. Chunking does not depend on the
 * thread count, so the bytes do not either. Runs after layout, then the
 * non-alloc sections are placed again with their new sizes.
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

enum { CHUNK = 1 << 20 };

static bool is_debug_osec(const struct osec *os) {
  return !(os->flags & SHF_ALLOC) && os->type == SHT_PROGBITS && os->size > 0 &&
         !strncmp(os->name, ".debug", 6);
}

struct zchunk {
  struct osec *os;
  const uint8_t *in;
  size_t inlen;
  bool last;
  uint8_t *out;
  size_t outlen;
  uLong adler;
};

struct zjob {
  struct isec **isecs;
  uint8_t **bufs; /* per isec: its osec's buffer */
  struct zchunk *chunks;
};

static void build_one(void *arg, int64_t i) {
  struct zjob *j = arg;
  copy_isec(j->isecs[i], j->bufs[i] + j->isecs[i]->out_off);
}

static void deflate_one(void *arg, int64_t i) {
  struct zchunk *c = &((struct zjob *)arg)->chunks[i];
  z_stream z = {0};
  if (deflateInit2(&z, 1, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    fatal("zlib: deflateInit2 failed");
  size_t cap = deflateBound(&z, c->inlen) + 16;
  c->out = xrealloc(NULL, cap);
  z.next_in = (Bytef *)c->in;
  z.avail_in = (uInt)c->inlen;
  z.next_out = c->out;
  z.avail_out = (uInt)cap;
  int rc = deflate(&z, c->last ? Z_FINISH : Z_FULL_FLUSH);
  if ((c->last && rc != Z_STREAM_END) || (!c->last && rc != Z_OK) || z.avail_in)
    fatal("zlib: deflate failed (%d)", rc);
  c->outlen = cap - z.avail_out;
  deflateEnd(&z);
  c->adler = adler32(adler32(0, NULL, 0), c->in, (uInt)c->inlen);
}

void compress_debug_sections(void) {
  if (!ctx.opt.compress_debug)
    return;
  struct vec isecs = {0}, bufs = {0}, oss = {0};
  size_t nchunks = 0;
  for (size_t i = 0; i < ctx.osecs.n; i++) {
    struct osec *os = ctx.osecs.v[i];
    if (!is_debug_osec(os))
      continue;
    uint8_t *buf = xcalloc(1, os->size);
    os->zdata = buf; /* the uncompressed bytes for now */
    vec_push(&oss, os);
    for (size_t k = 0; k < os->members.n; k++) {
      vec_push(&isecs, os->members.v[k]);
      vec_push(&bufs, buf);
    }
    nchunks += (os->size + CHUNK - 1) / CHUNK;
  }
  if (!oss.n)
    return;

  struct zjob job = {(struct isec **)isecs.v, (uint8_t **)bufs.v, NULL};
  parallel_for((int64_t)isecs.n, build_one, &job);
  check_errors();

  job.chunks = xcalloc(nchunks, sizeof(struct zchunk));
  size_t c = 0;
  for (size_t i = 0; i < oss.n; i++) {
    struct osec *os = oss.v[i];
    for (uint64_t off = 0; off < os->size; off += CHUNK) {
      struct zchunk *z = &job.chunks[c++];
      z->os = os;
      z->in = os->zdata + off;
      z->inlen = os->size - off < CHUNK ? os->size - off : CHUNK;
      z->last = off + CHUNK >= os->size;
    }
  }
  parallel_for((int64_t)nchunks, deflate_one, &job);

  size_t chdr = ctx.arch->is64 ? sizeof(Elf64_Chdr) : sizeof(Elf32_Chdr);
  c = 0;
  for (size_t i = 0; i < oss.n; i++) {
    struct osec *os = oss.v[i];
    size_t first = c, total = chdr + 2 + 4;
    for (; c < nchunks && job.chunks[c].os == os; c++)
      total += job.chunks[c].outlen;
    uint8_t *out = xrealloc(NULL, total), *p = out;
    if (ctx.arch->is64) {
      Elf64_Chdr h = {ELFCOMPRESS_ZLIB, 0, os->size, os->align};
      memcpy(p, &h, sizeof(h));
    } else {
      Elf32_Chdr h = {ELFCOMPRESS_ZLIB, (Elf32_Word)os->size, (Elf32_Word)os->align};
      memcpy(p, &h, sizeof(h));
    }
    p += chdr;
    *p++ = 0x78, *p++ = 0x01; /* zlib header: deflate, 32K window, fastest */
    uLong adler = adler32(0, NULL, 0);
    for (size_t k = first; k < c; k++) {
      memcpy(p, job.chunks[k].out, job.chunks[k].outlen);
      p += job.chunks[k].outlen;
      adler = adler32_combine(adler, job.chunks[k].adler, (z_off_t)job.chunks[k].inlen);
      xfree(job.chunks[k].out);
    }
    p[0] = (uint8_t)(adler >> 24), p[1] = (uint8_t)(adler >> 16);
    p[2] = (uint8_t)(adler >> 8), p[3] = (uint8_t)adler;
    xfree(os->zdata);
    os->zdata = out;
    os->size = total;
    os->flags |= SHF_COMPRESSED;
    os->align = ctx.arch->is64 ? 8 : 4;
  }
  xfree(job.chunks);
  xfree(isecs.v);
  xfree(bufs.v);
  xfree(oss.v);
  layout_nonalloc();
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
  wr32(note, 4);
  wr32(note + 4, (uint32_t)n);
  wr32(note + 8, NT_GNU_BUILD_ID);
  memcpy(note + 12, "GNU", 4);
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
