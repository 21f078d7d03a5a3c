/* The input-script parser (ld/script.c): the scripts libraries ship in
 * place of an archive, what it accepts and the line it blames. */
#include "ld/ld.h"
#include <criterion/criterion.h>
#include <string.h>

static struct vec items;
static const char *err;
static int err_line;

static bool parse(const char *text) {
  items = (struct vec){0};
  err = NULL, err_line = 0;
  return parse_input_script(text, strlen(text), &items, &err, &err_line);
}

static void item_is(size_t i, int kind, const char *name, int line) {
  cr_assert_lt(i, items.n, "only %zu items", items.n);
  struct script_item *it = items.v[i];
  cr_expect_eq(it->kind, kind, "item %zu: kind %d, expected %d", i, it->kind, kind);
  cr_expect_str_eq(it->name, name);
  cr_expect_eq(it->line, line, "item %zu (%s): line %d, expected %d", i, name, it->line, line);
}

Test(script, glibc_libm) {
  cr_assert(parse("/* GNU ld script\n*/\nOUTPUT_FORMAT(elf64-x86-64)\n"
                  "GROUP ( /usr/lib/x86_64-linux-gnu/libm-2.36.a "
                  "/usr/lib/x86_64-linux-gnu/libmvec.a )\n"));
  cr_assert_eq(items.n, 2);
  item_is(0, SCRIPT_FILE, "/usr/lib/x86_64-linux-gnu/libm-2.36.a", 4);
  item_is(1, SCRIPT_FILE, "/usr/lib/x86_64-linux-gnu/libmvec.a", 4);
}

Test(script, glibc_libc_so_shape) {
  cr_assert(parse("OUTPUT_FORMAT(elf64-x86-64, \"elf64-x86-64\", elf64-x86-64)\n"
                  "GROUP ( /lib/libc.so.6 /usr/lib/libc_nonshared.a  AS_NEEDED ( "
                  "/lib64/ld-linux-x86-64.so.2 ) )"));
  cr_assert_eq(items.n, 3);
  item_is(2, SCRIPT_FILE, "/lib64/ld-linux-x86-64.so.2", 2);
}

Test(script, libraries_dirs_quotes_commas_and_lines) {
  cr_assert(parse("SEARCH_DIR(\"/opt/my libs\");\nINPUT(-lfoo, \"a b.o\",c.o\n-l:libbar.a)"
                  "\n/* two\nlines */ TARGET(binary) OUTPUT_ARCH(i386:x86-64) GROUP(=/x.a)"));
  cr_assert_eq(items.n, 6);
  item_is(0, SCRIPT_DIR, "/opt/my libs", 1);
  item_is(1, SCRIPT_LIB, "foo", 2);
  item_is(2, SCRIPT_FILE, "a b.o", 2);
  item_is(3, SCRIPT_FILE, "c.o", 2);
  item_is(4, SCRIPT_LIB, ":libbar.a", 3);
  item_is(5, SCRIPT_FILE, "=/x.a", 5);
}

Test(script, empty_and_comment_only_scripts_name_nothing) {
  cr_assert(parse("/* nothing */ ; \n"));
  cr_assert_eq(items.n, 0);
  cr_assert(parse("INPUT()"));
  cr_assert_eq(items.n, 0);
}

Test(script, linker_script_commands_are_refused_with_their_line) {
  cr_assert_not(parse("INPUT(a.o)\n\nSECTIONS { .text : { *(.text) } }\n"));
  cr_assert_eq(err_line, 3);
  cr_assert(strstr(err, "'SECTIONS'") && strstr(err, "not linker scripts"), "%s", err);
  cr_assert_not(parse("ENTRY(_start)"));
  cr_assert(strstr(err, "'ENTRY'"), "%s", err);
  cr_assert_not(parse("foo = 1;"));
  cr_assert(strstr(err, "'foo'"), "%s", err);
}

Test(script, a_c_file_is_not_a_script) {
  cr_assert_not(parse("#include <stdio.h>\nint main(void) { return 0; }\n"));
  cr_assert_eq(err_line, 1);
  cr_assert(strstr(err, "'#'"), "%s", err);
}

Test(script, malformed_scripts_name_the_line) {
  cr_assert_not(parse("INPUT(a.o\n"));
  cr_assert(strstr(err, "missing )"), "%s", err);
  cr_assert_not(parse("\n/* never closed\nINPUT(a.o)"));
  cr_assert_eq(err_line, 2);
  cr_assert(strstr(err, "unterminated comment"), "%s", err);
  cr_assert_not(parse("INPUT(\"a.o\n\")"));
  cr_assert(strstr(err, "unterminated quoted string"), "%s", err);
  cr_assert_not(parse("GROUP a.o"));
  cr_assert(strstr(err, "expected ("), "%s", err);
  cr_assert_not(parse("INPUT(a.o { b.o)"));
  cr_assert(strstr(err, "file name"), "%s", err);
  cr_assert_not(parse("INPUT(AS_NEEDED(AS_NEEDED(x)))"));
  cr_assert_not(parse("SEARCH_DIR()"));
}

Test(script, text_or_binary) {
  const char *crlf = "GROUP ( a.a )\r\n\t", *utf8 = "INPUT(caf\xc3\xa9.o)";
  cr_assert(looks_like_script((const uint8_t *)crlf, strlen(crlf)));
  cr_assert(looks_like_script((const uint8_t *)utf8, strlen(utf8)));
  cr_assert_not(looks_like_script((const uint8_t *)"", 0));
  cr_assert_not(looks_like_script((const uint8_t *)"INPUT(a.o)\0", 11));
  cr_assert_not(looks_like_script((const uint8_t *)"\x7f" "ELF", 4));
}
