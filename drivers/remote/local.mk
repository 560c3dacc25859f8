# drivers/remote/: the client side of libvirt's wire protocol in libvirt.so
# (qemu:///system and qemu+unix:///system?socket=PATH -> virtnoded).
noinst_LTLIBRARIES += drivers/remote/libvnremote.la
drivers_remote_libvnremote_la_SOURCES = \
	drivers/remote/remote_client.c drivers/remote/remote_client.h \
	drivers/remote/remote_driver.c \
	drivers/remote/remote_events.c \
	drivers/remote/remote_priv.h
drivers_remote_libvnremote_la_CPPFLAGS = $(AM_CPPFLAGS) $(TIRPC_CFLAGS)
# no convenience libraries here: lib/libvirt.la links rpc/ and util/ once
drivers_remote_libvnremote_la_LIBADD = $(TIRPC_LIBS) $(GLIB_LIBS)
$(drivers_remote_libvnremote_la_OBJECTS): rpc/remote_protocol.h rpc/keepalive_protocol.h

# The remote driver against a scripted fake server inside the test, through
# the public API only.
check_PROGRAMS += tests/remote-test
tests_remote_test_SOURCES = tests/remote-test.c
tests_remote_test_CPPFLAGS = $(AM_CPPFLAGS) $(TIRPC_CFLAGS)
tests_remote_test_LDADD = lib/libvirt.la rpc/libvnrpc.la util/libvnutil.la $(TIRPC_LIBS) \
	$(GLIB_LIBS)
# a real binary (not a libtool wrapper script), so valgrind checks the test
tests_remote_test_LDFLAGS = -no-install
$(tests_remote_test_OBJECTS): rpc/remote_protocol.h rpc/keepalive_protocol.h
TESTS += tests/remote-test
