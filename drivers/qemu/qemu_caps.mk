# drivers/qemu/qemu_capabilities.c: QEMU binaries found by name, probed on
# first use (help texts), cached by identity in memory and under a directory
noinst_LTLIBRARIES += drivers/qemu/libvnqemucaps.la
drivers_qemu_libvnqemucaps_la_SOURCES = \
	drivers/qemu/qemu_capabilities.c drivers/qemu/qemu_capabilities.h
drivers_qemu_libvnqemucaps_la_LIBADD = $(GLIB_LIBS)

# What a program linking libvnqemucaps.la needs besides it (convenience
# libraries do not pull each other in).
QEMU_CAPS_LIBS = drivers/qemu/libvnqemucaps.la conf/libvncaps.la util/libvncmd.la \
	util/libvnlog.la util/libvnutil.la $(XML_LIBS) $(GLIB_LIBS)

# fake qemu-system-* scripts printing tests/data/qemu-caps/*/, plus the
# real /usr/bin/qemu-system-x86_64 when installed
check_PROGRAMS += tests/qemu-caps-test
tests_qemu_caps_test_SOURCES = tests/qemu-caps-test.c
tests_qemu_caps_test_CPPFLAGS = $(AM_CPPFLAGS) -DABS_TOP_SRCDIR='"$(abs_top_srcdir)"'
tests_qemu_caps_test_LDADD = $(QEMU_CAPS_LIBS)
TESTS += tests/qemu-caps-test
EXTRA_DIST += tests/data/qemu-caps
EXTRA_DIST += docs/qemu-capabilities.md
