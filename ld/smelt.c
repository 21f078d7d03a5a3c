/* The smelt executable: the linker pipeline in ld/main.c. */
int smelt_main(int argc, char **argv);

int main(int argc, char **argv) { return smelt_main(argc, argv); }
