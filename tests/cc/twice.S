/* int twice(int): in assembly for each target, through the preprocessor */
	.text
	.globl	twice
	.type	twice, @function
twice:
#if defined(__x86_64__)
	leal	(%rdi,%rdi), %eax
	ret
#elif defined(__i386__)
	movl	4(%esp), %eax
	addl	%eax, %eax
	ret
#elif defined(__aarch64__)
	add	w0, w0, w0
	ret
#else
#error unknown target
#endif
	.size	twice, .-twice
	.section .note.GNU-stack,"",@progbits
