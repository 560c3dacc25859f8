# rpc/: libvirt's remote wire protocol. Our own XDR definitions (.x) are
# turned into C by rpcgen at build time; the generated code lives in the
# build tree only and is compiled in its own library, with the warnings it
# cannot avoid (unused locals, K&R-era casts) relaxed for it alone.

RPC_PROTOCOLS = rpc/remote_protocol.x rpc/keepalive_protocol.x
RPC_GENERATED_H = rpc/remote_protocol.h rpc/keepalive_protocol.h
RPC_GENERATED_C = rpc/remote_protocol.c rpc/keepalive_protocol.c

EXTRA_DIST += $(RPC_PROTOCOLS)
BUILT_SOURCES += $(RPC_GENERATED_H) $(RPC_GENERATED_C)
CLEANFILES += $(RPC_GENERATED_H) $(RPC_GENERATED_C)

# rpcgen names the header it includes after its input path; make it the
# path our include flags resolve in every build directory.
RPCGEN_FIX_INCLUDE = sed -e 's|^\#include ".*/\([a-z_]*_protocol\.h\)"|\#include "rpc/\1"|' \
	-e 's|^\#include "\([a-z_]*_protocol\.h\)"|\#include "rpc/\1"|'

rpc/remote_protocol.h: $(srcdir)/rpc/remote_protocol.x
	$(AM_V_GEN)$(MKDIR_P) rpc && rm -f $@-t && \
	$(RPCGEN) -h -o $@-t $(srcdir)/rpc/remote_protocol.x && mv -f $@-t $@
rpc/remote_protocol.c: $(srcdir)/rpc/remote_protocol.x rpc/remote_protocol.h
	$(AM_V_GEN)$(MKDIR_P) rpc && rm -f $@-t $@-t2 && \
	$(RPCGEN) -c -o $@-t $(srcdir)/rpc/remote_protocol.x && \
	$(RPCGEN_FIX_INCLUDE) $@-t > $@-t2 && rm -f $@-t && mv -f $@-t2 $@
rpc/keepalive_protocol.h: $(srcdir)/rpc/keepalive_protocol.x
	$(AM_V_GEN)$(MKDIR_P) rpc && rm -f $@-t && \
	$(RPCGEN) -h -o $@-t $(srcdir)/rpc/keepalive_protocol.x && mv -f $@-t $@
rpc/keepalive_protocol.c: $(srcdir)/rpc/keepalive_protocol.x rpc/keepalive_protocol.h
	$(AM_V_GEN)$(MKDIR_P) rpc && rm -f $@-t $@-t2 && \
	$(RPCGEN) -c -o $@-t $(srcdir)/rpc/keepalive_protocol.x && \
	$(RPCGEN_FIX_INCLUDE) $@-t > $@-t2 && rm -f $@-t && mv -f $@-t2 $@

# The generated (de)serialisers.
noinst_LTLIBRARIES += rpc/libvnrpcxdr.la
nodist_rpc_libvnrpcxdr_la_SOURCES = $(RPC_GENERATED_C) $(RPC_GENERATED_H)
rpc_libvnrpcxdr_la_CPPFLAGS = $(AM_CPPFLAGS) $(TIRPC_CFLAGS)
rpc_libvnrpcxdr_la_CFLAGS = $(AM_CFLAGS) -Wno-unused-variable -Wno-unused-parameter -Wno-cast-align
rpc_libvnrpcxdr_la_LIBADD = $(TIRPC_LIBS)

# Framing, header codec and the procedure table (our code: full warnings).
# Users of rpc/*.h need $(TIRPC_CFLAGS) (the generated headers include
# <rpc/rpc.h>) and link rpc/libvnrpc.la (it carries the generated code) plus
# util/libvnutil.la themselves: convenience libraries added to each other
# would put util's objects into a program or libvirt.so twice.
noinst_LTLIBRARIES += rpc/libvnrpc.la
rpc_libvnrpc_la_SOURCES = \
	rpc/message.c rpc/message.h \
	rpc/procedures.c rpc/procedures.h
rpc_libvnrpc_la_CPPFLAGS = $(AM_CPPFLAGS) $(TIRPC_CFLAGS)
rpc_libvnrpc_la_LIBADD = rpc/libvnrpcxdr.la $(TIRPC_LIBS) $(GLIB_LIBS)

# Objects that include the generated headers must wait for them even when
# a single target is built (BUILT_SOURCES only covers all/check).
$(rpc_libvnrpc_la_OBJECTS): $(RPC_GENERATED_H)

check_PROGRAMS += tests/rpc-message-test
tests_rpc_message_test_SOURCES = tests/rpc-message-test.c
tests_rpc_message_test_CPPFLAGS = $(AM_CPPFLAGS) $(TIRPC_CFLAGS) \
	-DRPC_TEST_DATADIR='"$(abs_top_srcdir)/tests/data/rpc"'
tests_rpc_message_test_LDADD = rpc/libvnrpc.la util/libvnutil.la $(TIRPC_LIBS) $(GLIB_LIBS)
$(tests_rpc_message_test_OBJECTS): $(RPC_GENERATED_H)
TESTS += tests/rpc-message-test
EXTRA_DIST += tests/data/rpc

# fuzz target for frame decoding: replays tests/fuzz/rpc/ (bodies of the
# fact sheet's observed frames, plus what fuzzing found) in make check; a
# libFuzzer binary under --enable-fuzzing (CC=clang)
RPC_FUZZ_LIBS = rpc/libvnrpc.la util/libvnutil.la $(TIRPC_LIBS) $(GLIB_LIBS)
if WITH_FUZZING
noinst_PROGRAMS += tests/fuzz-rpc-libfuzzer
tests_fuzz_rpc_libfuzzer_SOURCES = tests/fuzz-rpc.c
tests_fuzz_rpc_libfuzzer_CPPFLAGS = $(AM_CPPFLAGS) $(TIRPC_CFLAGS) -DFUZZING_BUILD
tests_fuzz_rpc_libfuzzer_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_rpc_libfuzzer_LDFLAGS = -fsanitize=fuzzer
tests_fuzz_rpc_libfuzzer_LDADD = $(RPC_FUZZ_LIBS)
$(tests_fuzz_rpc_libfuzzer_OBJECTS): $(RPC_GENERATED_H)
endif
check_PROGRAMS += tests/fuzz-rpc
tests_fuzz_rpc_SOURCES = tests/fuzz-rpc.c
tests_fuzz_rpc_CPPFLAGS = $(AM_CPPFLAGS) $(TIRPC_CFLAGS) -DSRCDIR='"$(abs_top_srcdir)"'
tests_fuzz_rpc_LDADD = $(RPC_FUZZ_LIBS)
$(tests_fuzz_rpc_OBJECTS): $(RPC_GENERATED_H)
TESTS += tests/fuzz-rpc
EXTRA_DIST += tests/fuzz/rpc
