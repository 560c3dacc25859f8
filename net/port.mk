# net/port*, net/dhcp-release*: guest ports on running networks (tap on the
# bridge, macvtap on the interface pool) and the DHCPRELEASE sent on a
# guest's behalf when its port goes. Used by the QEMU driver.
noinst_LTLIBRARIES += net/libvnport.la
net_libvnport_la_SOURCES = \
	net/port.c net/port.h \
	net/dhcp-release.c net/dhcp-release.h
net_libvnport_la_LIBADD = $(GLIB_LIBS)

# What a program using net/libvnport.la links (it builds on netrun).
NETPORT_LIBS = net/libvnport.la net/libvnnetdrv.la net/libvnfwnft.la net/libvnfw.la \
	net/libvnnetlink.la net/libvndnsmasq.la util/libvncmd.la conf/libvnnetconf.la \
	conf/libvnxml.la util/libvnlog.la util/libvnutil.la $(NFT_LIBS) $(IPTC_LIBS) \
	$(LIBNL_LIBS) $(JSONC_LIBS) \
	$(XML_LIBS) $(GLIB_LIBS)

# Privileged: netrun (start/stop/adopt per forward mode, failures, listen
# addresses) and ports (taps, macvtaps, DHCP release) against the kernel
# and a real dnsmasq, in a network namespace of its own, with the record
# firewall backend. Not root: skips (fails under CI=true).
check_PROGRAMS += tests/netrun-test
tests_netrun_test_SOURCES = tests/netrun-test.c tests/test-netns.c tests/test-netns.h
tests_netrun_test_CPPFLAGS = $(AM_CPPFLAGS) $(JSONC_CFLAGS) \
	-DABS_TOP_SRCDIR='"$(abs_top_srcdir)"' -DABS_TOP_BUILDDIR='"$(abs_top_builddir)"'
tests_netrun_test_LDADD = $(NETPORT_LIBS)
TESTS += tests/netrun-test

EXTRA_DIST += docs/ports.md
