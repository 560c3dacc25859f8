# tools/: the virsh-compatible command-line client. It uses only the public
# API (include/libvirt) and links the library like any other client.
bin_PROGRAMS += tools/virtnode
tools_virtnode_SOURCES = \
	tools/virtnode.c \
	tools/cli.h \
	tools/cli-parse.c \
	tools/cli-output.c \
	tools/cli-lookup.c \
	tools/cli-domain.c \
	tools/cli-network.c \
	tools/cli-host.c \
	tools/cli-shell.c
tools_virtnode_CFLAGS = $(AM_CFLAGS) $(EDIT_CFLAGS)
tools_virtnode_LDADD = lib/libvirt.la $(XML_LIBS) $(GLIB_LIBS) $(EDIT_LIBS)

man1_MANS += docs/virtnode.1
EXTRA_DIST += docs/virtnode.1

# CLI tests: tools/virtnode against test:///default, expected output under
# tests/data/cli/, optional comparison with Debian's virsh.
TESTS += tests/cli-test.sh
EXTRA_DIST += tests/cli-test.sh tests/data/cli
