/* The table of supported targets, looked up by ELF machine or -m emulation. */
#include "ld/ld.h"

extern const struct arch arch_x86_64, arch_i386, arch_aarch64;

static const struct arch *const arches[] = {&arch_x86_64, &arch_i386, &arch_aarch64};

const struct arch *arch_by_machine(uint16_t machine, bool is64) {
  for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++)
    if (arches[i]->machine == machine && arches[i]->is64 == is64)
      return arches[i];
  return NULL;
}

const struct arch *arch_by_emulation(const char *m) {
  for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++)
    for (const char *const *e = arches[i]->emulations; *e; e++)
      if (!strcmp(*e, m))
        return arches[i];
  return NULL;
}

const char *reloc_name(uint32_t type) {
  const struct arch *a = ctx.arch;
  if (a && type < a->nhowto && a->howto[type].name)
    return a->howto[type].name;
  static __thread char buf[32];
  snprintf(buf, sizeof(buf), "type %u", type);
  return buf;
}
