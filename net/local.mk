# net/: virtual networks; for now their persistent definitions and the
# network members of the QEMU driver's table (drivers/qemu/local.mk links
# them through QEMU_DRIVER_LIBS)
noinst_LTLIBRARIES += net/libvnnetdrv.la
net_libvnnetdrv_la_SOURCES = net/network_driver.c net/network_driver.h
net_libvnnetdrv_la_LIBADD = $(XML_LIBS) $(GLIB_LIBS)
