# lib/: libvirt.so.0 -- the public API entry points, objects, errors,
# URIs, the event loop and event callbacks.

# The core, without drivers: unit tests link it with a registry of their own.
noinst_LTLIBRARIES += lib/libvncore.la
lib_libvncore_la_SOURCES = \
	lib/api.h \
	lib/auth-default.c \
	lib/driver.h \
	lib/driver-registry.h \
	lib/event.c \
	lib/event-callbacks.c lib/event-callbacks.h \
	lib/libvirt-domain.c \
	lib/libvirt-host.c \
	lib/libvirt-network.c \
	lib/object.c lib/object.h \
	lib/uri.c lib/uri.h \
	lib/virterror.c
# Convenience libraries must not LIBADD each other: libtool copies the objects
# of one into the other, and libvirt.la, which links them all whole, would get
# each util/ object several times. Only final products list them.
lib_libvncore_la_LIBADD = $(GLIB_LIBS)

lib_LTLIBRARIES += lib/libvirt.la
lib_libvirt_la_SOURCES = lib/driver-registry.c
lib_libvirt_la_LIBADD = lib/libvncore.la drivers/test/libvntestdrv.la \
	drivers/remote/libvnremote.la rpc/libvnrpc.la conf/libvnnetconf.la \
	conf/libvndomconf.la conf/libvncaps.la conf/libvnxml.la util/libvnutil.la \
	$(GLIB_LIBS) $(XML_LIBS) $(TIRPC_LIBS)
lib_libvirt_la_LDFLAGS = -version-info $(LIBVIRT_VERSION_INFO) -Wl,--no-undefined \
	-Wl,--version-script=$(srcdir)/lib/libvirt.syms
EXTRA_lib_libvirt_la_DEPENDENCIES = $(srcdir)/lib/libvirt.syms
EXTRA_DIST += lib/libvirt.syms

# ---- tests ------------------------------------------------------------------
# Unit tests link the core and tests/lib-mock-registry.c (a registry holding
# one scriptable fake driver) so they need no real driver.
TEST_LIB_CORE_LIBS = lib/libvncore.la conf/libvnxml.la util/libvnutil.la $(GLIB_LIBS) $(XML_LIBS)

check_PROGRAMS += tests/lib-uri-test
tests_lib_uri_test_SOURCES = tests/lib-uri-test.c
tests_lib_uri_test_LDADD = $(TEST_LIB_CORE_LIBS)
TESTS += tests/lib-uri-test

check_PROGRAMS += tests/lib-error-test
tests_lib_error_test_SOURCES = tests/lib-error-test.c tests/lib-mock-registry.c \
	tests/lib-mock-registry.h
tests_lib_error_test_LDADD = $(TEST_LIB_CORE_LIBS)
TESTS += tests/lib-error-test

check_PROGRAMS += tests/lib-event-test
tests_lib_event_test_SOURCES = tests/lib-event-test.c tests/lib-mock-registry.c \
	tests/lib-mock-registry.h
tests_lib_event_test_LDADD = $(TEST_LIB_CORE_LIBS)
TESTS += tests/lib-event-test

# End to end through the installed-to-be library and the real test driver.
check_PROGRAMS += tests/lib-api-test
tests_lib_api_test_SOURCES = tests/lib-api-test.c
tests_lib_api_test_LDADD = lib/libvirt.la $(GLIB_LIBS)
# a real binary (not a libtool wrapper script), so valgrind checks the test
tests_lib_api_test_LDFLAGS = -no-install
TESTS += tests/lib-api-test

check_SCRIPTS += tests/lib-exports.sh
EXTRA_DIST += tests/lib-exports.sh
TESTS += tests/lib-exports.sh
