// Cortex-A53 erratum 843419 sequences at fixed page offsets: each function
// sits in its own 4 KiB-aligned section, so its ADRP lands on 0xff8 or 0xffc
// of a page wherever the section is placed. The site_* labels mark the load
// or store a fix must move (or, for the ones that need none, leave alone).

	.macro to_page_offset start, off
	b	1f
	.org	\start + \off
1:
	.endm

	.data
	.p2align 3
	.globl	value1, value2, value3, value4
value1:	.quad	1000
value2:	.quad	2000
value3:	.quad	3000
value4:	.quad	4000

// ADRP at 0xff8, a load, the load through x1: three instructions
	.section .text.seq_three,"ax",%progbits
	.p2align 12
	.globl	seq_three, site_three
	.type	seq_three, %function
seq_three:	// long seq_three(long *p): value1 + *p
	to_page_offset seq_three, 0xff8
	adrp	x1, value1
	ldr	x2, [x0]
site_three:
	ldr	x0, [x1, :lo12:value1]
	add	x0, x0, x2
	ret
	.size	seq_three, . - seq_three

// ADRP at 0xffc, a store, one other instruction, the load: four
	.section .text.seq_four,"ax",%progbits
	.p2align 12
	.globl	seq_four, site_four
	.type	seq_four, %function
seq_four:	// long seq_four(long *p): stores 7 at p[1]; value2 + 5
	mov	x3, #7
	to_page_offset seq_four, 0xffc
	adrp	x1, value2
	str	x3, [x0, #8]
	mov	x4, #5
site_four:
	ldr	x0, [x1, :lo12:value2]
	add	x0, x0, x4
	ret
	.size	seq_four, . - seq_four

// a store as the last instruction, STP as the second
	.section .text.seq_store,"ax",%progbits
	.p2align 12
	.globl	seq_store, site_store
	.type	seq_store, %function
seq_store:	// void seq_store(long *p, long v): value3 = v; p[0] = p[1] = v
	to_page_offset seq_store, 0xff8
	adrp	x2, value3
	stp	x1, x1, [x0]
site_store:
	str	x1, [x2, :lo12:value3]
	ret
	.size	seq_store, . - seq_store

// a GOT load that the link relaxes: adrp + ldr of value1's GOT slot becomes
// adrp + add of value1, so the load at +8 is gone, and the load through x1
// after it is now the fourth instruction of the erratum
	.section .text.seq_got,"ax",%progbits
	.p2align 12
	.globl	seq_got, site_got, site_got_next
	.type	seq_got, %function
seq_got:	// long seq_got(long *p): value1 + *p
	to_page_offset seq_got, 0xff8
	adrp	x1, :got:value1
	ldr	x2, [x0]
site_got:
	ldr	x1, [x1, :got_lo12:value1]
site_got_next:
	ldr	x0, [x1]
	add	x0, x0, x2
	ret
	.size	seq_got, . - seq_got

// not the erratum: the second instruction writes x1, the ADRP's register
	.section .text.seq_none,"ax",%progbits
	.p2align 12
	.globl	seq_none, site_none
	.type	seq_none, %function
seq_none:	// long seq_none(long *p): value4 + 0 (x1 = p, then reloaded)
	to_page_offset seq_none, 0xff8
	adrp	x1, value4
	ldr	x1, [x0, #16]
site_none:
	ldr	x0, [x1]
	ret
	.size	seq_none, . - seq_none

// data in a code section: the words at 0xff8 spell the sequence but are
// $d, and must stay as they are
	.section .text.blob,"ax",%progbits
	.p2align 12
	.globl	blob_fn, blob_words
	.type	blob_fn, %function
blob_fn:
	ret
	.rept	(0xff8 - 4) / 4
	.word	0
	.endr
blob_words:
	.word	0x90000001	// adrp x1, 0
	.word	0xf9400002	// ldr x2, [x0]
	.word	0xf9400020	// ldr x0, [x1]
	.size	blob_fn, . - blob_fn

	.section .note.GNU-stack,"",%progbits
