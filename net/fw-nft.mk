# net/fw-nft.c, net/fw-conflict.c: the nftables firewall backend
# (libnftables) and the detection of foreign firewall settings that would
# drop a network's traffic (libiptc for legacy tables, libnftables).
noinst_LTLIBRARIES += net/libvnfwnft.la
net_libvnfwnft_la_SOURCES = net/fw-nft.c net/fw-nft.h net/fw-conflict.c net/fw-conflict.h
net_libvnfwnft_la_CPPFLAGS = $(AM_CPPFLAGS) $(NFT_CFLAGS) $(IPTC_CFLAGS) $(JSONC_CFLAGS)
net_libvnfwnft_la_LIBADD = $(NFT_LIBS) $(IPTC_LIBS) $(JSONC_LIBS) $(GLIB_LIBS)

FW_NFT_TEST_LIBS = net/libvnfwnft.la net/libvnfw.la conf/libvnnetconf.la conf/libvnxml.la \
	util/libvnutil.la $(NFT_LIBS) $(IPTC_LIBS) $(JSONC_LIBS) $(XML_LIBS) $(GLIB_LIBS)

# the nft backend against the kernel, as root in a namespace of its own
# (REGENERATE=1 rewrites tests/data/fw-nft/*.nft)
check_PROGRAMS += tests/fw-nft-test
tests_fw_nft_test_SOURCES = tests/fw-nft-test.c tests/test-netns.c tests/test-netns.h
tests_fw_nft_test_CPPFLAGS = $(AM_CPPFLAGS) -DABS_TOP_SRCDIR='"$(abs_top_srcdir)"'
tests_fw_nft_test_LDADD = $(FW_NFT_TEST_LIBS)
TESTS += tests/fw-nft-test
EXTRA_DIST += tests/data/fw-nft

# foreign legacy and nf_tables setups -> conflicts, in a namespace of its own
check_PROGRAMS += tests/fw-conflict-test
tests_fw_conflict_test_SOURCES = tests/fw-conflict-test.c tests/test-netns.c tests/test-netns.h
tests_fw_conflict_test_CPPFLAGS = $(AM_CPPFLAGS)
tests_fw_conflict_test_LDADD = $(FW_NFT_TEST_LIBS)
TESTS += tests/fw-conflict-test
