# net/fw*: the firewall of virtual networks: the rule model and builder
# (fw.c), the test-only record backend and the libiptc backend (the only
# user of IPTC_CFLAGS)
noinst_LTLIBRARIES += net/libvnfw.la
net_libvnfw_la_SOURCES = net/fw.c net/fw.h net/fw-record.c net/fw-iptc.c
net_libvnfw_la_CPPFLAGS = $(AM_CPPFLAGS) $(IPTC_CFLAGS)
net_libvnfw_la_LIBADD = $(IPTC_LIBS) $(GLIB_LIBS)

FW_TEST_LIBS = net/libvnfw.la conf/libvnnetconf.la conf/libvnxml.la util/libvnutil.la \
	$(IPTC_LIBS) $(XML_LIBS) $(GLIB_LIBS)
FW_TEST_CPPFLAGS = $(AM_CPPFLAGS) -DABS_TOP_SRCDIR='"$(abs_top_srcdir)"'

# network XML -> rules through the record backend (REGENERATE=1 rewrites .rules)
check_PROGRAMS += tests/fw-rules-test
tests_fw_rules_test_SOURCES = tests/fw-rules-test.c
tests_fw_rules_test_CPPFLAGS = $(FW_TEST_CPPFLAGS)
tests_fw_rules_test_LDADD = $(FW_TEST_LIBS)
TESTS += tests/fw-rules-test
EXTRA_DIST += tests/data/net-xml2fw

# libiptc against the kernel, as root in a network namespace of its own
check_PROGRAMS += tests/fw-iptc-test
tests_fw_iptc_test_SOURCES = tests/fw-iptc-test.c tests/test-netns.c tests/test-netns.h
tests_fw_iptc_test_CPPFLAGS = $(FW_TEST_CPPFLAGS)
tests_fw_iptc_test_LDADD = $(FW_TEST_LIBS)
TESTS += tests/fw-iptc-test

EXTRA_DIST += docs/firewall.md
