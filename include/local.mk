libvirtincludedir = $(includedir)/libvirt
libvirtinclude_HEADERS = include/libvirt/libvirt.h include/libvirt/virterror.h
