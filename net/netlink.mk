# net/netlink: bridges, taps, macvtaps, veths, addresses, routes (libnl) and
# per-namespace sysctls. net/netlink.c is the only file that includes libnl.
noinst_LTLIBRARIES += net/libvnnetlink.la
net_libvnnetlink_la_SOURCES = \
	net/netlink.c net/netlink.h \
	net/bridge.c net/bridge.h \
	net/tap.c net/tap.h \
	net/sysctl.c net/sysctl.h
net_libvnnetlink_la_CPPFLAGS = $(AM_CPPFLAGS) $(LIBNL_CFLAGS)
net_libvnnetlink_la_LIBADD = $(LIBNL_LIBS) $(GLIB_LIBS)

NETLINK_LIBS = net/libvnnetlink.la util/libvnutil.la $(LIBNL_LIBS) $(GLIB_LIBS)

# Privileged: runs in a network namespace of its own (root, or an
# unprivileged user namespace where the kernel allows it); skips otherwise,
# and fails instead under CI=true.
check_PROGRAMS += tests/netlink-test
tests_netlink_test_SOURCES = tests/netlink-test.c
tests_netlink_test_LDADD = $(NETLINK_LIBS)
TESTS += tests/netlink-test
