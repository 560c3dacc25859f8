# tests/: unit, data-driven and end-to-end tests (TAP)
EXTRA_DIST += tests/run-tap tests/valgrind.supp

TEST_UTIL_LIBS = util/libvnutil.la $(GLIB_LIBS)

check_PROGRAMS += tests/util-test
tests_util_test_SOURCES = tests/util-test.c
tests_util_test_LDADD = $(TEST_UTIL_LIBS)
TESTS += tests/util-test

# A libvirt client built with pkg-config against this tree (needs lib/libvirt.la)
TESTS += tests/client-build.sh
EXTRA_DIST += tests/client-build.sh tests/data/client/netdemo.c

check_PROGRAMS += tests/xmlutil-test
tests_xmlutil_test_SOURCES = tests/xmlutil-test.c
tests_xmlutil_test_LDADD = conf/libvnxml.la $(TEST_UTIL_LIBS) $(XML_LIBS)
TESTS += tests/xmlutil-test
