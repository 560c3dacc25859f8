# drivers/qemu/qmp: the QMP client (one qemu monitor socket, json-c).
# Users link drivers/qemu/libvnqmp.la util/libvnlog.la util/libvnutil.la $(JSONC_LIBS).
noinst_LTLIBRARIES += drivers/qemu/libvnqmp.la
drivers_qemu_libvnqmp_la_SOURCES = drivers/qemu/qmp.c drivers/qemu/qmp.h
drivers_qemu_libvnqmp_la_CPPFLAGS = $(AM_CPPFLAGS) $(JSONC_CFLAGS)
drivers_qemu_libvnqmp_la_LIBADD = $(JSONC_LIBS) $(GLIB_LIBS)

QMP_LIBS = drivers/qemu/libvnqmp.la util/libvnlog.la util/libvnutil.la $(JSONC_LIBS) $(GLIB_LIBS)

# Against a scripted fake monitor, then a real qemu (tcg, -machine none)
check_PROGRAMS += tests/qmp-test
tests_qmp_test_SOURCES = tests/qmp-test.c
tests_qmp_test_CPPFLAGS = $(AM_CPPFLAGS) $(JSONC_CFLAGS)
tests_qmp_test_LDADD = drivers/qemu/libvnqmp.la util/libvncmd.la util/libvnlog.la util/libvnutil.la \
	$(JSONC_LIBS) $(GLIB_LIBS)
TESTS += tests/qmp-test

EXTRA_DIST += docs/qmp.md
