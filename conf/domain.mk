# conf/: the domain XML model
noinst_LTLIBRARIES += conf/libvndomconf.la
conf_libvndomconf_la_SOURCES = \
	conf/domdef.c conf/domdef.h conf/domdef-types.h conf/domdef-priv.h \
	conf/domdef-xnode.c \
	conf/domdef-disk.c \
	conf/domdef-net.c \
	conf/domdef-chr.c \
	conf/domdef-graphics.c \
	conf/domdef-devices.c \
	conf/domdef-validate.c
conf_libvndomconf_la_LIBADD = $(XML_LIBS) $(GLIB_LIBS)

# tests of the domain model
DOMAIN_TEST_LIBS = conf/libvndomconf.la conf/libvnxml.la util/libvnutil.la $(XML_LIBS) $(GLIB_LIBS)

check_PROGRAMS += tests/domxml2xml-test
tests_domxml2xml_test_SOURCES = tests/domxml2xml-test.c
tests_domxml2xml_test_CPPFLAGS = $(AM_CPPFLAGS) -DSRCDIR='"$(abs_top_srcdir)"'
tests_domxml2xml_test_LDADD = $(DOMAIN_TEST_LIBS)
TESTS += tests/domxml2xml-test

if WITH_FUZZING
noinst_PROGRAMS += tests/fuzz-domdef-libfuzzer
tests_fuzz_domdef_libfuzzer_SOURCES = tests/fuzz-domdef.c
tests_fuzz_domdef_libfuzzer_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZING_BUILD
tests_fuzz_domdef_libfuzzer_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_domdef_libfuzzer_LDFLAGS = -fsanitize=fuzzer
tests_fuzz_domdef_libfuzzer_LDADD = $(DOMAIN_TEST_LIBS)
endif
check_PROGRAMS += tests/fuzz-domdef
tests_fuzz_domdef_SOURCES = tests/fuzz-domdef.c
tests_fuzz_domdef_CPPFLAGS = $(AM_CPPFLAGS) -DSRCDIR='"$(abs_top_srcdir)"'
tests_fuzz_domdef_LDADD = $(DOMAIN_TEST_LIBS)
TESTS += tests/fuzz-domdef

EXTRA_DIST += tests/data/dom-xml2xml tests/fuzz/domdef docs/formatdomain.md
