# net/dnsmasq*, net/leases*, util/cmd: DHCP/DNS for virtual networks
#
# util/libvncmd.la   the one external-program runner (STYLE §8)
# net/libvndnsmasq.la  config builder (pure), process control, lease store
# net/virtnode-leaseshelper  dnsmasq's dhcp-script: records leases

noinst_LTLIBRARIES += util/libvncmd.la
util_libvncmd_la_SOURCES = util/cmd.c util/cmd.h util/reaper.c util/reaper.h
util_libvncmd_la_LIBADD = $(GLIB_LIBS)

noinst_LTLIBRARIES += net/libvndnsmasq.la
net_libvndnsmasq_la_SOURCES = \
	net/dnsmasq-conf.c net/dnsmasq-conf.h \
	net/dnsmasq.c net/dnsmasq.h \
	net/leases.c net/leases.h
net_libvndnsmasq_la_CPPFLAGS = $(AM_CPPFLAGS) $(JSONC_CFLAGS)
net_libvndnsmasq_la_LIBADD = $(JSONC_LIBS) $(GLIB_LIBS)

# What a program using net/libvndnsmasq.la links (convenience libraries
# never LIBADD each other).
DNSMASQ_LIBS = net/libvndnsmasq.la conf/libvnnetconf.la conf/libvnxml.la util/libvncmd.la \
	util/libvnutil.la $(JSONC_LIBS) $(XML_LIBS) $(GLIB_LIBS)

# (the first libexec program: declared here; move to Makefile.am when a second one appears)
libexec_PROGRAMS += net/virtnode-leaseshelper
net_virtnode_leaseshelper_SOURCES = net/dnsmasq-helper.c
net_virtnode_leaseshelper_CPPFLAGS = $(AM_CPPFLAGS) $(JSONC_CFLAGS)
net_virtnode_leaseshelper_LDADD = net/libvndnsmasq.la util/libvnutil.la $(JSONC_LIBS) \
	$(GLIB_LIBS)

DNSMASQ_TEST_CPPFLAGS = $(AM_CPPFLAGS) $(JSONC_CFLAGS) -DABS_TOP_SRCDIR='"$(abs_top_srcdir)"' \
	-DABS_TOP_BUILDDIR='"$(abs_top_builddir)"'

check_PROGRAMS += tests/cmd-test
tests_cmd_test_SOURCES = tests/cmd-test.c
tests_cmd_test_LDADD = util/libvncmd.la util/libvnutil.la $(GLIB_LIBS)
TESTS += tests/cmd-test

# network XML -> dnsmasq config + hosts files (REGENERATE=1 rewrites them)
check_PROGRAMS += tests/dnsmasq-conf-test
tests_dnsmasq_conf_test_SOURCES = tests/dnsmasq-conf-test.c
tests_dnsmasq_conf_test_CPPFLAGS = $(DNSMASQ_TEST_CPPFLAGS)
tests_dnsmasq_conf_test_LDADD = $(DNSMASQ_LIBS)
TESTS += tests/dnsmasq-conf-test
EXTRA_DIST += tests/data/net-xml2dnsmasq

check_PROGRAMS += tests/leases-test
tests_leases_test_SOURCES = tests/leases-test.c
tests_leases_test_CPPFLAGS = $(DNSMASQ_TEST_CPPFLAGS)
tests_leases_test_LDADD = $(DNSMASQ_LIBS)
TESTS += tests/leases-test

# privileged: a real dnsmasq on a bridge in a network namespace of its own
check_PROGRAMS += tests/dnsmasq-run-test
tests_dnsmasq_run_test_SOURCES = tests/dnsmasq-run-test.c tests/test-netns.c tests/test-netns.h
tests_dnsmasq_run_test_CPPFLAGS = $(DNSMASQ_TEST_CPPFLAGS)
tests_dnsmasq_run_test_LDADD = $(DNSMASQ_LIBS)
TESTS += tests/dnsmasq-run-test

EXTRA_DIST += docs/dnsmasq.md

# the orphan sweep of a child subreaper
check_PROGRAMS += tests/reaper-test
tests_reaper_test_SOURCES = tests/reaper-test.c
tests_reaper_test_LDADD = util/libvncmd.la util/libvnutil.la $(GLIB_LIBS)
TESTS += tests/reaper-test
