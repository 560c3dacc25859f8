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

sbin_PROGRAMS += agent/virtnoded
agent_virtnoded_SOURCES = agent/virtnoded.c
agent_virtnoded_LDADD = $(AGENT_LIBS)

man8_MANS += docs/virtnoded.8
EXTRA_DIST += docs/virtnoded.8 docs/agent.conf.md init/virtnoded.service init/agent.conf

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
tests_agent_daemon_test_SOURCES = tests/agent-daemon-test.c
tests_agent_daemon_test_LDADD = $(GLIB_LIBS)
tests_agent_daemon_test_CPPFLAGS = $(AM_CPPFLAGS) -DABS_TOP_BUILDDIR="\"$(abs_top_builddir)\""
tests_agent_daemon_test_DEPENDENCIES = agent/virtnoded$(EXEEXT)
TESTS += tests/agent-daemon-test
