#include <criterion/criterion.h>
Test(smoke, one) { cr_assert(1); }
