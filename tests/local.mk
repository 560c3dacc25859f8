# tests/: unit, data-driven and end-to-end tests (TAP)
EXTRA_DIST += tests/run-tap tests/valgrind.supp

TEST_UTIL_LIBS = util/libvnutil.la $(GLIB_LIBS)

check_PROGRAMS += tests/util-test
tests_util_test_SOURCES = tests/util-test.c
tests_util_test_LDADD = $(TEST_UTIL_LIBS)
TESTS += tests/util-test
