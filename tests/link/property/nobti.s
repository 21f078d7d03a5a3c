// aarch64: a function without a BTI landing pad (no bti c)
.text
.globl twice
twice:
	lsl w0, w0, #1
	ret
