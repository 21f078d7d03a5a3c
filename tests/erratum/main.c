/* Runs the erratum sequences of seq.s and prints what they compute, and
 * whether each site is now a branch (B) or still the original instruction;
 * a wrong patch gives wrong values or crashes. */
#include <stdint.h>
#include <stdio.h>

long seq_three(long *p), seq_four(long *p), seq_got(long *p), seq_none(long *p);
void seq_store(long *p, long v);
extern const uint32_t site_three[], site_four[], site_store[], site_got[], site_got_next[],
	site_none[], blob_words[];
extern long value3, value4;

static const char *kind(const uint32_t *insn) {
	return (*insn & 0xfc000000) == 0x14000000 ? "branch" : "original";
}

int main(void)
{
	long a[3] = {11, 22, (long)&value4};
	printf("three %ld (%s)\n", seq_three(a), kind(site_three));
	printf("four %ld %ld (%s)\n", seq_four(a), a[1], kind(site_four));
	seq_store(a, 77);
	printf("store %ld %ld %ld (%s)\n", value3, a[0], a[1], kind(site_store));
	printf("got %ld (%s, %s)\n", seq_got(a), kind(site_got), kind(site_got_next));
	printf("none %ld (%s)\n", seq_none(a), kind(site_none));
	printf("blob %08x %08x %08x\n", blob_words[0], blob_words[1], blob_words[2]);
	return 0;
}
