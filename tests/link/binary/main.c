/* Files linked with -b binary: their bytes, from _binary_NAME_start to
 * _binary_NAME_end, NAME the path with every byte but a letter or digit
 * as '_'; _binary_NAME_size is absolute. The data is writable, as GNU ld
 * makes it. */
#include <stdio.h>
#include <string.h>

extern char _binary_greeting_txt_start[], _binary_greeting_txt_end[];
extern const char _binary_greeting_txt_size[];
extern const unsigned char _binary_data_table_1_bin_start[], _binary_data_table_1_bin_end[];
extern const char _binary_data_table_1_bin_size[];

int main(void) {
  size_t n = (size_t)(_binary_greeting_txt_end - _binary_greeting_txt_start);
  printf("greeting: %zu bytes, size symbol %zu: %.*s", n, (size_t)_binary_greeting_txt_size,
         (int)n, _binary_greeting_txt_start);
  _binary_greeting_txt_start[0] = 'J';
  printf("written: %.5s\n", _binary_greeting_txt_start);

  const unsigned char *t = _binary_data_table_1_bin_start;
  size_t m = (size_t)(_binary_data_table_1_bin_end - t);
  unsigned sum = 0;
  for (size_t i = 0; i < m; i++)
    sum = sum * 31 + t[i];
  printf("table: %zu bytes, size symbol %zu, first %u, last %u, hash %08x\n", m,
         (size_t)_binary_data_table_1_bin_size, t[0], t[m - 1], sum);
  printf("table follows greeting: %d\n", (const void *)t >= (const void *)_binary_greeting_txt_end);
  return 0;
}
