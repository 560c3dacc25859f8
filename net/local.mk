# net/: virtual networks: their definitions, the network members of the
# QEMU driver's table, and running them on the host (netrun: bridge,
# firewall, dnsmasq, status files). drivers/qemu/local.mk links them through
# QEMU_DRIVER_LIBS, with the building blocks below (net/*.mk).
noinst_LTLIBRARIES += net/libvnnetdrv.la
net_libvnnetdrv_la_SOURCES = \
	net/network_driver.c net/network_driver.h \
	net/netrun.c net/netrun.h
net_libvnnetdrv_la_CPPFLAGS = $(AM_CPPFLAGS) $(JSONC_CFLAGS)
net_libvnnetdrv_la_LIBADD = $(JSONC_LIBS) $(XML_LIBS) $(GLIB_LIBS)

# Networks end to end through Debian's virsh: every forward mode, DHCP, DNS,
# NAT seen from upstream, failed starts, restarts (privileged: root, in
# namespaces of its own; skips otherwise, fails under CI=true)
TESTS += tests/net-e2e.sh tests/net-e2e-nft.sh
EXTRA_DIST += tests/net-e2e.sh tests/net-e2e-nft.sh tests/data/net-e2e
