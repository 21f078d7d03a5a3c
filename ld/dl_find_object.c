/* _dl_find_object() for static executables. Not part of smelt: smelt-cc
 * compiles this file for the target (see build_dlfo() in ld/cc.c) and links
 * it from a one-member archive, so only programs that reference the symbol
 * get it.
 *
 * Why: Debian's libgcc_eh.a (gcc 12, configured against glibc 2.35+) finds
 * the FDE for a PC by calling glibc's _dl_find_object() instead of walking
 * dl_iterate_phdr(). musl has no such function, so every static musl
 * program that unwinds (_Unwind_Backtrace, _Unwind_RaiseException, C++
 * exceptions, -fexceptions cleanups) fails to link, whatever the linker.
 *
 * In a static image the only object is the executable, and its unwind
 * table is the PT_GNU_EH_FRAME segment (.eh_frame_hdr), which smelt always
 * writes. We find the object containing the address with dl_iterate_phdr()
 * (musl's static version reports the executable from the auxiliary vector)
 * and answer as glibc does: the span of its PT_LOAD segments, its
 * PT_GNU_EH_FRAME and, on i386, the data base for DW_EH_PE_datarel, which
 * glibc and libgcc both take from DT_PLTGOT (none in a static image: 0).
 *
 * The struct is glibc's ABI (dlfcn.h and bits/dl_find_object.h): the
 * dlfo_eh_dbase member exists on i386 only. The function is
 * async-signal-safe and lock-free, like glibc's: musl's static
 * dl_iterate_phdr() only reads the auxiliary vector.
 *
 * On i386 the file also gives fcntl64(), which Debian's i686 libgcov.a
 * (--coverage) calls: glibc's large-file fcntl, which musl's fcntl always
 * is. Weak, so a program's own definition wins. */
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

struct dl_find_object {
  unsigned long long dlfo_flags;
  void *dlfo_map_start;
  void *dlfo_map_end;
  struct link_map *dlfo_link_map;
  void *dlfo_eh_frame;
#if defined(__i386__)
  void *dlfo_eh_dbase;
  unsigned int dlfo_eh_dbase_pad;
#endif
  unsigned long long dlfo_reserved[7];
};

int _dl_find_object(void *pc, struct dl_find_object *result);

struct query {
  uintptr_t pc;
  struct dl_find_object *out;
};

static int visit(struct dl_phdr_info *info, size_t size, void *arg) {
  struct query *q = arg;
  uintptr_t lo = UINTPTR_MAX, hi = 0;
  const ElfW(Phdr) *eh = NULL, *dyn = NULL;
  int hit = 0;
  (void)size;
  for (size_t i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    uintptr_t start = info->dlpi_addr + ph->p_vaddr;
    if (ph->p_type == PT_LOAD) {
      if (start < lo)
        lo = start;
      if (start + ph->p_memsz > hi)
        hi = start + ph->p_memsz;
      if (q->pc >= start && q->pc - start < ph->p_memsz)
        hit = 1;
    } else if (ph->p_type == PT_GNU_EH_FRAME) {
      eh = ph;
    } else if (ph->p_type == PT_DYNAMIC) {
      dyn = ph;
    }
  }
  if (!hit)
    return 0;

  struct dl_find_object *r = q->out;
  r->dlfo_flags = 0;
  r->dlfo_map_start = (void *)lo;
  r->dlfo_map_end = (void *)hi;
  r->dlfo_link_map = NULL;
  r->dlfo_eh_frame = eh ? (void *)(info->dlpi_addr + eh->p_vaddr) : NULL;
#if defined(__i386__)
  r->dlfo_eh_dbase = NULL;
  r->dlfo_eh_dbase_pad = 0;
  if (dyn)
    for (const ElfW(Dyn) *d = (const void *)(info->dlpi_addr + dyn->p_vaddr); d->d_tag != DT_NULL;
         d++)
      if (d->d_tag == DT_PLTGOT) {
        r->dlfo_eh_dbase = (void *)d->d_un.d_ptr;
        break;
      }
#else
  (void)dyn;
#endif
  return 1;
}

/* 0 and *result filled if pc is inside a loaded object, -1 otherwise. */
int _dl_find_object(void *pc, struct dl_find_object *result) {
  struct query q = {(uintptr_t)pc, result};
  return dl_iterate_phdr(visit, &q) ? 0 : -1;
}

#if defined(__i386__)
__attribute__((weak)) int fcntl64(int fd, int cmd, ...) {
  va_list ap;
  va_start(ap, cmd);
  unsigned long arg = va_arg(ap, unsigned long);
  va_end(ap);
  return fcntl(fd, cmd, arg);
}
#endif
