// Tests that need real data files (MNIST in data/mnist, Fashion-MNIST from its Debian package)
// skip where they are missing, except with SASGSIM_REQUIRE_DATA=1 (scripts/test.sh, and so CI):
// there a missing file fails the test, so that a suite cannot pass by skipping what it was meant
// to check. tests/analysis/fixtures.py has the same rule for the Python tests.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>

namespace sasgsim::test {

inline bool data_required() {
  const char* value = std::getenv("SASGSIM_REQUIRE_DATA");
  return value != nullptr && std::strcmp(value, "1") == 0;
}

}  // namespace sasgsim::test

// Ends the test for missing data: a skip, or a failure under SASGSIM_REQUIRE_DATA=1. `message`
// (streamed, as GTEST_SKIP's) says what is missing and how to get it.
#define SASGSIM_SKIP_WITHOUT_DATA(message)                                        \
  do {                                                                            \
    if (::sasgsim::test::data_required()) {                                       \
      FAIL() << message << " (SASGSIM_REQUIRE_DATA=1: missing data fails the test)"; \
    }                                                                             \
    GTEST_SKIP() << message;                                                      \
  } while (false)
