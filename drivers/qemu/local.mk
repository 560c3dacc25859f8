# drivers/qemu/: the agent's local driver (type "QEMU"): persistent domain
# definitions, host facts; its network members are net/ (net/local.mk).

# util/xmlstore: a directory of named XML definitions with autostart links
# (kept apart from libvnutil, which libvirt.so links and does not need it)
noinst_LTLIBRARIES += util/libvnstore.la
util_libvnstore_la_SOURCES = util/xmlstore.c util/xmlstore.h
util_libvnstore_la_LIBADD = $(GLIB_LIBS)

noinst_LTLIBRARIES += drivers/qemu/libvnqemudrv.la
drivers_qemu_libvnqemudrv_la_SOURCES = \
	drivers/qemu/qemu_driver.c drivers/qemu/qemu_driver.h \
	drivers/qemu/qemu_domain.c drivers/qemu/qemu_domain.h \
	drivers/qemu/qemu_conf.c drivers/qemu/qemu_conf.h \
	drivers/qemu/qemu_ports.c drivers/qemu/qemu_ports.h \
	drivers/qemu/qemu_status.c drivers/qemu/qemu_status.h \
	drivers/qemu/qemu_process.c drivers/qemu/qemu_process.h
drivers_qemu_libvnqemudrv_la_CPPFLAGS = $(AM_CPPFLAGS) $(JSONC_CFLAGS)
drivers_qemu_libvnqemudrv_la_LIBADD = $(JSONC_LIBS) $(XML_LIBS) $(GLIB_LIBS)

# Everything a program needs around qemu_driver (convenience libraries do
# not pull each other in). A program that also links lib/libvncore.la must
# provide driver_registry_list() (lib/driver-registry.h), as the tests do.
QEMU_DRIVER_LIBS = drivers/qemu/libvnqemudrv.la drivers/qemu/libvnqemucaps.la \
	drivers/qemu/libvnqemucmd.la drivers/qemu/libvnqmp.la net/libvnnetdrv.la net/libvnport.la \
	net/libvnfwnft.la net/libvnfw.la \
	net/libvnnetlink.la net/libvndnsmasq.la util/libvncmd.la util/libvnstore.la \
	lib/libvncore.la conf/libvndomconf.la conf/libvnnetconf.la conf/libvncaps.la \
	conf/libvnxml.la util/libvnlog.la util/libvnutil.la $(NFT_LIBS) $(IPTC_LIBS) $(LIBNL_LIBS) \
	$(JSONC_LIBS) $(XML_LIBS) $(GLIB_LIBS)

check_PROGRAMS += tests/xmlstore-test
tests_xmlstore_test_SOURCES = tests/xmlstore-test.c
tests_xmlstore_test_LDADD = util/libvnstore.la util/libvnlog.la util/libvnutil.la $(GLIB_LIBS)
TESTS += tests/xmlstore-test

check_PROGRAMS += tests/qemudrv-test
tests_qemudrv_test_SOURCES = tests/qemudrv-test.c
tests_qemudrv_test_CPPFLAGS = $(AM_CPPFLAGS) -DABS_TOP_SRCDIR='"$(abs_top_srcdir)"'
tests_qemudrv_test_LDADD = $(QEMU_DRIVER_LIBS)
TESTS += tests/qemudrv-test
EXTRA_DIST += tests/data/qemudrv

# display port ranges (autoport): loopback listeners only
check_PROGRAMS += tests/qemu-ports-test
tests_qemu_ports_test_SOURCES = tests/qemu-ports-test.c
tests_qemu_ports_test_LDADD = $(QEMU_DRIVER_LIBS)
TESTS += tests/qemu-ports-test

# a running domain's status record (RUN/qemu/NAME.xml)
check_PROGRAMS += tests/qemu-status-test
tests_qemu_status_test_SOURCES = tests/qemu-status-test.c
tests_qemu_status_test_LDADD = $(QEMU_DRIVER_LIBS)
TESTS += tests/qemu-status-test

# guests on real qemu through Debian's virsh (privileged, namespaces; uses
# the test guest of tests/guest/)
TESTS += tests/dom-e2e.sh
EXTRA_DIST += tests/dom-e2e.sh
# ten autostart guests on two autostart networks at a "boot"; kill -9
TESTS += tests/dom-e2e-autostart.sh
EXTRA_DIST += tests/dom-e2e-autostart.sh
TESTS += tests/dom-e2e-nics.sh
EXTRA_DIST += tests/dom-e2e-nics.sh
