# tests/interop.mk: end-to-end tests of the agent (issue 3). Each starts its
# own agent/virtnoded with --root on a temporary directory (no privileges
# needed) and drives it through Debian's clients (virsh, python3-libvirt, on
# Debian's libvirt.so.0), through tools/virtnode and through C programs on
# this tree's library; plus raw-socket abuse, concurrency and persistence.

INTEROP_SHELL_LIB = tests/interop-lib.sh tests/interop-cli.sh
EXTRA_DIST += $(INTEROP_SHELL_LIB) tests/data/interop

# Debian's virsh and this tree's tools/virtnode, same flow, same expected output
TESTS += tests/interop-virsh.sh tests/interop-virtnode.sh
EXTRA_DIST += tests/interop-virsh.sh tests/interop-virtnode.sh

# Definitions and autostart flags across SIGTERM and kill -9 restarts
TESTS += tests/agent-e2e-persist.sh
EXTRA_DIST += tests/agent-e2e-persist.sh

# Debian's python3-libvirt, run by Debian's python3 without this tree's
# library in the environment
TEST_EXTENSIONS += .py
PY_LOG_DRIVER = $(LOG_DRIVER)
PY_LOG_COMPILER = env -u LD_LIBRARY_PATH -u LD_PRELOAD /usr/bin/python3
TESTS += tests/interop-python.py
EXTRA_DIST += tests/interop-python.py tests/pytap.py

# The end-to-end C programs share a helper that starts their virtnoded
E2E_CPPFLAGS = $(AM_CPPFLAGS) -DABS_TOP_BUILDDIR="\"$(abs_top_builddir)\"" \
	-DABS_TOP_SRCDIR="\"$(abs_top_srcdir)\""
E2E_UTIL = tests/agent-e2e-util.c tests/agent-e2e-util.h

# A C client on this tree's public API (lib/libvirt.la)
check_PROGRAMS += tests/interop-client
tests_interop_client_SOURCES = tests/interop-client.c $(E2E_UTIL)
tests_interop_client_CPPFLAGS = $(E2E_CPPFLAGS)
tests_interop_client_LDADD = lib/libvirt.la $(GLIB_LIBS)
tests_interop_client_DEPENDENCIES = lib/libvirt.la agent/virtnoded$(EXEEXT)
TESTS += tests/interop-client

# Raw-socket abuse with a healthy client beside it (frames from rpc/message.h)
check_PROGRAMS += tests/agent-e2e-malformed
tests_agent_e2e_malformed_SOURCES = tests/agent-e2e-malformed.c $(E2E_UTIL)
tests_agent_e2e_malformed_CPPFLAGS = $(E2E_CPPFLAGS) $(TIRPC_CFLAGS)
tests_agent_e2e_malformed_LDADD = lib/libvirt.la rpc/libvnrpc.la rpc/libvnrpcxdr.la \
	util/libvnutil.la $(TIRPC_LIBS) $(GLIB_LIBS)
tests_agent_e2e_malformed_DEPENDENCIES = lib/libvirt.la rpc/libvnrpc.la agent/virtnoded$(EXEEXT)
$(tests_agent_e2e_malformed_OBJECTS): $(RPC_GENERATED_H)
TESTS += tests/agent-e2e-malformed

# 32 clients x 500 mixed calls, no errors, no leaked agent fds
check_PROGRAMS += tests/agent-e2e-concurrency
tests_agent_e2e_concurrency_SOURCES = tests/agent-e2e-concurrency.c $(E2E_UTIL)
tests_agent_e2e_concurrency_CPPFLAGS = $(E2E_CPPFLAGS)
tests_agent_e2e_concurrency_LDADD = lib/libvirt.la $(GLIB_LIBS)
tests_agent_e2e_concurrency_DEPENDENCIES = lib/libvirt.la agent/virtnoded$(EXEEXT)
TESTS += tests/agent-e2e-concurrency

# Not tests, shipped with them: the default network quickstart defines, the
# benchmark comparison and its figures
EXTRA_DIST += bench/compare bench/README.md docs/performance.md

# Domain operations through this tree's API (a C program) and lifecycle
# events through Debian's python3-libvirt, on real qemu guests (issue 5;
# privileged: tests/dom-api-e2e.sh runs both, the program is not a test of
# its own)
check_PROGRAMS += tests/dom-api-client
tests_dom_api_client_SOURCES = tests/dom-api-client.c
tests_dom_api_client_LDADD = lib/libvirt.la $(GLIB_LIBS)
tests_dom_api_client_DEPENDENCIES = lib/libvirt.la agent/virtnoded$(EXEEXT)
TESTS += tests/dom-api-e2e.sh
EXTRA_DIST += tests/dom-api-e2e.sh tests/dom-events.py
