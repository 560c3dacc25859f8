# agent/: virtnoded, the long-running node agent (daemon shell; the RPC
# dispatcher plugs into agent/server.h)

# util/log: the agent's logging (kept apart from libvnutil, which the
# library links, so libvirt.so carries no process-wide log outputs)
noinst_LTLIBRARIES += util/libvnlog.la
util_libvnlog_la_SOURCES = util/log.c util/log.h
util_libvnlog_la_LIBADD = $(GLIB_LIBS)

# Convenience libraries do not pull each other in (libtool would copy the
# objects into each, and a program linking two of them gets every symbol
# twice): programs list all of them.
AGENT_LIBS = agent/libvnagent.la util/libvnlog.la util/libvnutil.la $(GLIB_LIBS)

noinst_LTLIBRARIES += agent/libvnagent.la
agent_libvnagent_la_SOURCES = \
	agent/agent.c agent/agent.h \
	agent/client.c \
	agent/config.c agent/config.h \
	agent/notify.c agent/notify.h \
	agent/paths.c agent/paths.h \
	agent/pidfile.c agent/pidfile.h \
	agent/server.c agent/server.h agent/server-priv.h
agent_libvnagent_la_LIBADD = $(GLIB_LIBS)

# The RPC dispatcher: the server side of libvirt's wire protocol over a
# driver table (the agent's qemu_driver; tests plug drivers/test's).
noinst_LTLIBRARIES += agent/libvndispatch.la
agent_libvndispatch_la_SOURCES = \
	agent/dispatch.c agent/dispatch.h agent/dispatch-priv.h \
	agent/dispatch-host.c \
	agent/dispatch-domain.c \
	agent/dispatch-network.c \
	agent/dispatch-events.c \
	agent/keepalive.c agent/keepalive.h
agent_libvndispatch_la_CPPFLAGS = $(AM_CPPFLAGS) $(TIRPC_CFLAGS)
agent_libvndispatch_la_LIBADD = $(GLIB_LIBS)
$(agent_libvndispatch_la_OBJECTS): $(RPC_GENERATED_H)

# What a program serving the protocol links, before its driver's libraries.
DISPATCH_LIBS = agent/libvndispatch.la agent/libvnagent.la rpc/libvnrpc.la

sbin_PROGRAMS += agent/virtnoded
agent_virtnoded_SOURCES = agent/virtnoded.c
agent_virtnoded_CPPFLAGS = $(AM_CPPFLAGS) $(TIRPC_CFLAGS)
agent_virtnoded_LDADD = $(DISPATCH_LIBS) $(QEMU_DRIVER_LIBS) $(TIRPC_LIBS)
$(agent_virtnoded_OBJECTS): $(RPC_GENERATED_H)

man8_MANS += docs/virtnoded.8
EXTRA_DIST += docs/virtnoded.8 docs/agent.conf.md init/virtnoded.service init/agent.conf

# The network virtnoded defines on its first run (agent_install_default_network)
networksdir = $(pkgdatadir)/networks
dist_networks_DATA = init/networks/default.xml

check_PROGRAMS += tests/agent-config-test
tests_agent_config_test_SOURCES = tests/agent-config-test.c
tests_agent_config_test_LDADD = $(AGENT_LIBS)
tests_agent_config_test_CPPFLAGS = $(AM_CPPFLAGS) -DABS_TOP_SRCDIR="\"$(abs_top_srcdir)\""
TESTS += tests/agent-config-test
EXTRA_DIST += tests/data/agent-conf

check_PROGRAMS += tests/agent-log-test
tests_agent_log_test_SOURCES = tests/agent-log-test.c
tests_agent_log_test_LDADD = util/libvnlog.la util/libvnutil.la $(GLIB_LIBS)
TESTS += tests/agent-log-test

check_PROGRAMS += tests/agent-server-test
tests_agent_server_test_SOURCES = tests/agent-server-test.c
tests_agent_server_test_LDADD = $(AGENT_LIBS)
TESTS += tests/agent-server-test

# Starts agent/virtnoded on temporary roots (no privileges needed)
check_PROGRAMS += tests/agent-daemon-test
tests_agent_daemon_test_SOURCES = tests/agent-daemon-test.c tests/test-netns.c tests/test-netns.h
tests_agent_daemon_test_LDADD = $(GLIB_LIBS)
tests_agent_daemon_test_CPPFLAGS = $(AM_CPPFLAGS) -DABS_TOP_BUILDDIR="\"$(abs_top_builddir)\""
tests_agent_daemon_test_DEPENDENCIES = agent/virtnoded$(EXEEXT)
TESTS += tests/agent-daemon-test

# The dispatcher over the test driver, speaking raw protocol to it
check_PROGRAMS += tests/dispatch-test
tests_dispatch_test_SOURCES = tests/dispatch-test.c
tests_dispatch_test_CPPFLAGS = $(AM_CPPFLAGS) $(TIRPC_CFLAGS)
tests_dispatch_test_LDADD = $(DISPATCH_LIBS) drivers/test/libvntestdrv.la $(QEMU_DRIVER_LIBS) \
	$(TIRPC_LIBS)
$(tests_dispatch_test_OBJECTS): $(RPC_GENERATED_H)
TESTS += tests/dispatch-test
