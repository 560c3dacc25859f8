# conf/: the network XML model
noinst_LTLIBRARIES += conf/libvnnetconf.la
conf_libvnnetconf_la_SOURCES = conf/netdef.c conf/netdef.h conf/netdef-types.h \
	conf/netdef-priv.h conf/netdef-update.c conf/netdef-update.h
conf_libvnnetconf_la_LIBADD = $(XML_LIBS) $(GLIB_LIBS)

NETCONF_TEST_LIBS = conf/libvnnetconf.la conf/libvnxml.la util/libvnutil.la \
	$(XML_LIBS) $(GLIB_LIBS)
NETCONF_TEST_CPPFLAGS = $(AM_CPPFLAGS) -DABS_TOP_SRCDIR='"$(abs_top_srcdir)"'

# parse -> format round trips over tests/data/net-xml2xml (REGENERATE=1 rewrites out/)
check_PROGRAMS += tests/netxml2xml-test
tests_netxml2xml_test_SOURCES = tests/netxml2xml-test.c
tests_netxml2xml_test_CPPFLAGS = $(NETCONF_TEST_CPPFLAGS)
tests_netxml2xml_test_LDADD = $(NETCONF_TEST_LIBS)
TESTS += tests/netxml2xml-test
EXTRA_DIST += tests/data/net-xml2xml

# virNetworkUpdate at the model level over tests/data/netdef-update
# (REGENERATE=1 rewrites the expected files)
check_PROGRAMS += tests/netdef-update-test
tests_netdef_update_test_SOURCES = tests/netdef-update-test.c
tests_netdef_update_test_CPPFLAGS = $(NETCONF_TEST_CPPFLAGS)
tests_netdef_update_test_LDADD = $(NETCONF_TEST_LIBS)
TESTS += tests/netdef-update-test
EXTRA_DIST += tests/data/netdef-update

# fuzz target: replays tests/fuzz/netdef/ in make check; under
# --enable-fuzzing (CC=clang) also a libFuzzer binary
if WITH_FUZZING
noinst_PROGRAMS += tests/fuzz-netdef-libfuzzer
tests_fuzz_netdef_libfuzzer_SOURCES = tests/fuzz-netdef.c
tests_fuzz_netdef_libfuzzer_CPPFLAGS = $(NETCONF_TEST_CPPFLAGS) -DFUZZING_BUILD
tests_fuzz_netdef_libfuzzer_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_netdef_libfuzzer_LDFLAGS = -fsanitize=fuzzer
tests_fuzz_netdef_libfuzzer_LDADD = $(NETCONF_TEST_LIBS)
endif
check_PROGRAMS += tests/fuzz-netdef
tests_fuzz_netdef_SOURCES = tests/fuzz-netdef.c
tests_fuzz_netdef_CPPFLAGS = $(NETCONF_TEST_CPPFLAGS)
tests_fuzz_netdef_LDADD = $(NETCONF_TEST_LIBS)
TESTS += tests/fuzz-netdef
EXTRA_DIST += tests/fuzz/netdef
