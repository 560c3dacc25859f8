# util/: plumbing shared by the library, the agent and the tools
noinst_LTLIBRARIES += util/libvnutil.la
util_libvnutil_la_SOURCES = \
	util/buf.c util/buf.h \
	util/error.c util/error.h \
	util/file.c util/file.h \
	util/mac.c util/mac.h \
	util/uuid.c util/uuid.h
util_libvnutil_la_LIBADD = $(GLIB_LIBS)
