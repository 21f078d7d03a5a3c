/* Input linker scripts: the text files GNU ld takes where an object or an
 * archive goes, and that libraries ship in place of one, such as glibc's
 * libm.a on x86_64:
 *
 *   OUTPUT_FORMAT(elf64-x86-64)
 *   GROUP ( /usr/lib/x86_64-linux-gnu/libm-2.36.a /usr/lib/x86_64-linux-gnu/libmvec.a )
 *
 * smelt reads the commands that only name inputs: INPUT and GROUP (the
 * same to smelt, which searches every archive to a fixpoint), AS_NEEDED
 * inside them (its files are inputs like the others in a static link),
 * SEARCH_DIR (a -L), and OUTPUT_FORMAT, OUTPUT_ARCH and TARGET, which say
 * nothing the inputs do not. Every other command (SECTIONS, MEMORY, ENTRY,
 * assignments...) is refused: smelt does not do linker scripts.
 *
 * The words are lld's: a run of letters, digits and _.$/\~=+[]*?-!^: (and
 * bytes past ASCII, for file names), or a "quoted string"; any other
 * character is a token of its own; C comments are blanks. This file only
 * parses; ld/input.c finds and reads what a script names. */
#include "ld.h"

#include <string.h>

struct lexer {
  const char *p, *end;
  int line;
  const char *tok; /* the current token, len bytes; NULL at the end */
  size_t len;
  bool quoted;
  int tok_line;
  const char *err; /* the first error */
  int err_line;
};

static bool word_char(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c >= 0x80 || (c && strchr("_.$/\\~=+[]*?-!^:", c));
}

static void fail(struct lexer *lx, int line, const char *msg) {
  if (!lx->err)
    lx->err = msg, lx->err_line = line;
  lx->tok = NULL, lx->p = lx->end;
}

/* Moves to the next token. */
static void next(struct lexer *lx) {
  lx->tok = NULL, lx->quoted = false;
  for (;;) {
    while (lx->p < lx->end && *lx->p && strchr(" \t\r\n\f\v", *lx->p)) {
      if (*lx->p == '\n')
        lx->line++;
      lx->p++;
    }
    if (lx->end - lx->p < 2 || lx->p[0] != '/' || lx->p[1] != '*')
      break;
    int start = lx->line;
    const char *q = lx->p + 2;
    while (q + 1 < lx->end && !(q[0] == '*' && q[1] == '/'))
      lx->line += *q++ == '\n';
    if (q + 1 >= lx->end) {
      fail(lx, start, "unterminated comment");
      return;
    }
    lx->p = q + 2;
  }
  if (lx->p == lx->end)
    return;
  lx->tok_line = lx->line;
  if (*lx->p == '"') {
    const char *q = memchr(lx->p + 1, '"', (size_t)(lx->end - lx->p - 1));
    const char *nl = memchr(lx->p + 1, '\n', (size_t)(lx->end - lx->p - 1));
    if (!q || (nl && nl < q)) {
      fail(lx, lx->line, "unterminated quoted string");
      return;
    }
    lx->tok = lx->p + 1, lx->len = (size_t)(q - lx->p - 1), lx->quoted = true;
    lx->p = q + 1;
    return;
  }
  const char *q = lx->p;
  while (q < lx->end && word_char((unsigned char)*q))
    q++;
  if (q == lx->p)
    q++;
  lx->tok = lx->p, lx->len = (size_t)(q - lx->p);
  lx->p = q;
}

static bool is(const struct lexer *lx, const char *s) {
  return lx->tok && !lx->quoted && lx->len == strlen(s) && !memcmp(lx->tok, s, lx->len);
}

static bool is_word(const struct lexer *lx) {
  return lx->tok && (lx->quoted || word_char((unsigned char)lx->tok[0]));
}

static void expect(struct lexer *lx, const char *s, const char *msg) {
  if (is(lx, s))
    next(lx);
  else
    fail(lx, lx->tok ? lx->tok_line : lx->line, msg);
}

static void add(struct vec *items, int kind, const char *name, size_t len, int line) {
  struct script_item *it = xcalloc(1, sizeof(*it));
  it->kind = kind, it->line = line;
  it->name = xsprintf("%.*s", (int)len, name);
  vec_push(items, it);
}

/* The files of INPUT(...), GROUP(...) or AS_NEEDED(...), after its "(". */
static void file_list(struct lexer *lx, struct vec *items, bool nested) {
  while (lx->tok && !is(lx, ")")) {
    if (is(lx, ",")) {
      next(lx);
    } else if (!nested && is(lx, "AS_NEEDED")) {
      next(lx);
      expect(lx, "(", "expected ( after AS_NEEDED");
      file_list(lx, items, true);
    } else if (is_word(lx)) {
      if (!lx->quoted && lx->len > 2 && !memcmp(lx->tok, "-l", 2))
        add(items, SCRIPT_LIB, lx->tok + 2, lx->len - 2, lx->tok_line);
      else
        add(items, SCRIPT_FILE, lx->tok, lx->len, lx->tok_line);
      next(lx);
    } else {
      fail(lx, lx->tok_line, "expected a file name or )");
      return;
    }
  }
  expect(lx, ")", "missing ) at the end of the file list");
}

/* The arguments of a command smelt has no use for: words and commas. */
static void skip_args(struct lexer *lx) {
  while (lx->tok && (is(lx, ",") || is_word(lx)))
    next(lx);
  expect(lx, ")", "expected )");
}

bool parse_input_script(const char *text, size_t n, struct vec *items, const char **err,
                        int *err_line) {
  struct lexer lx = {.p = text, .end = text + n, .line = 1};
  next(&lx);
  while (lx.tok) {
    int line = lx.tok_line;
    if (is(&lx, ";")) {
      next(&lx);
    } else if (is(&lx, "INPUT") || is(&lx, "GROUP")) {
      next(&lx);
      expect(&lx, "(", "expected ( after INPUT or GROUP");
      file_list(&lx, items, false);
    } else if (is(&lx, "SEARCH_DIR")) {
      next(&lx);
      expect(&lx, "(", "expected ( after SEARCH_DIR");
      if (!is_word(&lx))
        fail(&lx, line, "expected a directory in SEARCH_DIR");
      else {
        add(items, SCRIPT_DIR, lx.tok, lx.len, lx.tok_line);
        next(&lx);
        expect(&lx, ")", "expected ) after the directory of SEARCH_DIR");
      }
    } else if (is(&lx, "OUTPUT_FORMAT") || is(&lx, "OUTPUT_ARCH") || is(&lx, "TARGET")) {
      next(&lx);
      expect(&lx, "(", "expected ( after the command");
      skip_args(&lx);
    } else {
      fail(&lx, line,
           xsprintf("'%.*s': smelt reads only input scripts (INPUT, GROUP, "
                    "AS_NEEDED, SEARCH_DIR, OUTPUT_FORMAT, OUTPUT_ARCH, TARGET), not linker "
                    "scripts",
                    (int)(lx.len > 40 ? 40 : lx.len), lx.tok));
    }
  }
  if (lx.err) {
    *err = lx.err, *err_line = lx.err_line;
    return false;
  }
  return true;
}

bool looks_like_script(const uint8_t *p, uint64_t n) {
  if (!n)
    return false;
  for (uint64_t i = 0; i < n; i++)
    if ((p[i] < 0x20 && (!p[i] || !strchr("\t\n\r\f\v", p[i]))) || p[i] == 0x7f)
      return false;
  return true;
}
