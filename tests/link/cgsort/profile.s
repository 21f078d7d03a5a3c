# what clang -fprofile-use writes for a hot path main -> f5 -> f2 -> f6:
# .llvm.call-graph-profile, a weight per caller -> callee pair
	.cg_profile main, f5, 1000
	.cg_profile f5, f2, 900
	.cg_profile f2, f6, 800
