/* Call graph sort (ld/cgsort.c): C3 on hand-made graphs. */
#include "ld/ld.h"
#include <criterion/criterion.h>

static struct cg_node cg(uint64_t size) {
  return (struct cg_node){.size = size, .best_pred = -1};
}

static void init_lists(struct cg_node *n, uint32_t count) {
  for (uint32_t i = 0; i < count; i++)
    n[i].next = n[i].prev = n[i].leader = i;
}

Test(cgsort, c3_chains_hot_callers_and_callees) {
  /* 0 -> 1 heavy, 1 -> 2 light (a tenth of 2's weight or less: not
   * followed), 3 unrelated */
  struct cg_node n[4] = {cg(100), cg(100), cg(1000), cg(50)};
  init_lists(n, 4);
  n[1].weight = 1000, n[1].best_pred = 0, n[1].best_weight = 1000;
  n[2].weight = 10, n[2].best_pred = 1, n[2].best_weight = 1;
  uint32_t out[4];
  cr_assert_eq(c3_order(n, 4, out), 4);
  cr_expect_eq(out[0], 0, "the caller first");
  cr_expect_eq(out[1], 1, "its callee right after");
  cr_expect_eq(out[2], 2, "then by density");
  cr_expect_eq(out[3], 3);
}

Test(cgsort, c3_respects_cluster_size) {
  /* two 600 KiB sections: together past 1 MiB, so not merged; the
   * denser callee goes first */
  struct cg_node n[2] = {cg(600 << 10), cg(600 << 10)};
  init_lists(n, 2);
  n[1].weight = 5000, n[1].best_pred = 0, n[1].best_weight = 5000;
  uint32_t out[2];
  cr_assert_eq(c3_order(n, 2, out), 2);
  cr_expect_eq(out[0], 1);
  cr_expect_eq(out[1], 0);
  /* small ones with the same edge merge: caller, then callee */
  struct cg_node m[2] = {cg(64), cg(64)};
  init_lists(m, 2);
  m[1].weight = 5000, m[1].best_pred = 0, m[1].best_weight = 5000;
  cr_assert_eq(c3_order(m, 2, out), 2);
  cr_expect_eq(out[0], 0);
  cr_expect_eq(out[1], 1);
}
