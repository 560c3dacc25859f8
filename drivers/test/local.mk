# drivers/test/: the in-process test driver (test:///default)
noinst_LTLIBRARIES += drivers/test/libvntestdrv.la
drivers_test_libvntestdrv_la_SOURCES = \
	drivers/test/test_driver.c \
	drivers/test/test_domain.c drivers/test/test_domain.h \
	drivers/test/test_network.c drivers/test/test_network.h \
	drivers/test/test_state.c drivers/test/test_state.h
# no convenience libraries here: lib/libvirt.la links them all once (lib/local.mk)
drivers_test_libvntestdrv_la_LIBADD = $(XML_LIBS) $(GLIB_LIBS)

# API tests: the public libvirt API against test:///default
check_PROGRAMS += tests/api-test
tests_api_test_SOURCES = tests/api-test.c
tests_api_test_LDADD = lib/libvirt.la $(GLIB_LIBS)
TESTS += tests/api-test

# libvirt's XML round-trip conformance cases (../shared/conformance), if present
TESTS += tests/conformance.sh
EXTRA_DIST += tests/conformance.sh
EXTRA_DIST += tests/data/api/capabilities.xml tests/data/api/dom-test-live.xml \
	tests/data/api/dom-test-inactive.xml tests/data/api/net-default.xml
