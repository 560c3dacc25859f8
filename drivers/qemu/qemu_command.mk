# drivers/qemu/qemu_command: the qemu argv of a prepared domain (pure)
noinst_LTLIBRARIES += drivers/qemu/libvnqemucmd.la
drivers_qemu_libvnqemucmd_la_SOURCES = \
	drivers/qemu/qemu_command.c drivers/qemu/qemu_command.h
drivers_qemu_libvnqemucmd_la_LIBADD = $(GLIB_LIBS)

QEMU_ARGV_TEST_LIBS = drivers/qemu/libvnqemucmd.la conf/libvndomconf.la conf/libvnxml.la \
	util/libvnutil.la $(XML_LIBS) $(GLIB_LIBS)

check_PROGRAMS += tests/qemu-argv-test
tests_qemu_argv_test_SOURCES = tests/qemu-argv-test.c
tests_qemu_argv_test_CPPFLAGS = $(AM_CPPFLAGS) -DSRCDIR='"$(abs_top_srcdir)"'
tests_qemu_argv_test_LDADD = $(QEMU_ARGV_TEST_LIBS)
TESTS += tests/qemu-argv-test
EXTRA_DIST += tests/data/qemu-argv docs/qemu-command.md
