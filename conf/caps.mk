# conf/: the capabilities XML model
noinst_LTLIBRARIES += conf/libvncaps.la
conf_libvncaps_la_SOURCES = conf/caps.c conf/caps.h
# Convenience libraries never LIBADD each other: the final targets link each once.
conf_libvncaps_la_LIBADD = $(XML_LIBS) $(GLIB_LIBS)

# conf/caps.c: Caps built in code -> tests/data/caps/NAME.xml, RNG-validated
check_PROGRAMS += tests/caps-test
tests_caps_test_SOURCES = tests/caps-test.c
tests_caps_test_CPPFLAGS = $(AM_CPPFLAGS) -DABS_TOP_SRCDIR='"$(abs_top_srcdir)"'
tests_caps_test_LDADD = conf/libvncaps.la util/libvnutil.la $(XML_LIBS) $(GLIB_LIBS)
TESTS += tests/caps-test
EXTRA_DIST += tests/data/caps

# util/hostinfo.c: fake /proc + /sys trees under tests/data/hostinfo/
check_PROGRAMS += tests/hostinfo-test
tests_hostinfo_test_SOURCES = tests/hostinfo-test.c
tests_hostinfo_test_CPPFLAGS = $(AM_CPPFLAGS) -DABS_TOP_SRCDIR='"$(abs_top_srcdir)"'
tests_hostinfo_test_LDADD = util/libvnutil.la $(GLIB_LIBS)
TESTS += tests/hostinfo-test
EXTRA_DIST += tests/data/hostinfo
