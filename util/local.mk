# util/: plumbing shared by the library, the agent and the tools
noinst_LTLIBRARIES += util/libvnutil.la
util_libvnutil_la_SOURCES = \
	util/buf.c util/buf.h \
	util/error.c util/error.h \
	util/file.c util/file.h \
	util/hostinfo.c util/hostinfo.h \
	util/init.c util/init.h \
	util/installdirs.c util/installdirs.h \
	util/mac.c util/mac.h \
	util/procstat.c util/procstat.h \
	util/uuid.c util/uuid.h
util_libvnutil_la_LIBADD = $(GLIB_LIBS)
# util/installdirs.c: the trees (uninstalled) and the installed directories
util_libvnutil_la_CPPFLAGS = $(AM_CPPFLAGS) -DABS_TOP_SRCDIR='"$(abs_top_srcdir)"' \
	-DABS_TOP_BUILDDIR='"$(abs_top_builddir)"' -DPKGDATADIR='"$(pkgdatadir)"' \
	-DLIBEXECDIR='"$(libexecdir)"'

# conf/ pieces shared by the models and the drivers: libxml2 helpers
# (xmlutil) and libvirt's redefine rule (redefine)
noinst_LTLIBRARIES += conf/libvnxml.la
conf_libvnxml_la_SOURCES = conf/xmlutil.c conf/xmlutil.h conf/redefine.c conf/redefine.h
conf_libvnxml_la_LIBADD = $(XML_LIBS) $(GLIB_LIBS)
