# tests/guest.mk: the tiny test guest of the end-to-end tests (issue 5): a
# Debian kernel and a busybox-static initramfs, built at test time by
# tests/guest/build-guest.sh and cached in the build tree's tests/guest/
# (see tests/guest/README.md). Tests needing it run the script themselves;
# `make guest` builds it ahead, `make clean-guest` drops it and its packages.

VNGUEST_DIR = $(abs_top_builddir)/tests/guest
EXTRA_DIST += tests/guest/build-guest.sh tests/guest/init tests/guest/README.md tests/guest-lib.sh

# Boots it under TCG on qemu's user network: lease, READY, ACPI poweroff
TESTS += tests/guest-boot-test.sh
EXTRA_DIST += tests/guest-boot-test.sh

guest:
	$(SHELL) $(abs_top_srcdir)/tests/guest/build-guest.sh $(VNGUEST_DIR)

# Only what the script writes: in an in-tree build this is the source folder.
clean-guest:
	-cd $(VNGUEST_DIR) && rm -f vmlinuz initramfs.cpio.gz cmdline modules \
	  versions stamp lock debs/*.deb && rm -rf work.* && rmdir debs

.PHONY: guest clean-guest
