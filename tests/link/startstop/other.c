/* an entry no relocation refers to: kept only through __start_mymeta */
__attribute__((section("mymeta"), used)) static const int extra = 35;
