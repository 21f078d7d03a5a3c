// 136 MiB of code-section filler: linked between seq.o and main, it puts
// more than a branch's reach (128 MiB) into .text, so the link places
// thunk islands, and the erratum patches of seq.o go next to the island of
// seq.o's group, in the middle of .text.
	.section .text.far_filler,"ax",%progbits
	.p2align 12
	.globl	far_filler
	.type	far_filler, %function
far_filler:
	ret
	.skip	136 << 20
	.size	far_filler, . - far_filler

	.section .note.GNU-stack,"",%progbits
