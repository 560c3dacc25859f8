/*
 * agent-e2e-concurrency.c: 32 clients at once, each on its own connection
 * through this tree's library, 500 mixed calls each (lookups, info,
 * list-all, getLibVersion, XML, define/undefine of its own domain, its own
 * autostart flag), against one virtnoded: no call may fail, every answer
 * must be the client's own state, and the agent's open file descriptors
 * (/proc/PID/fd) must be as many after the clients left as before.
 *
 * E2E_CLIENTS and E2E_CALLS override the counts; under valgrind (make
 * check-valgrind) the default is 8 clients x 100 calls, to finish in time.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <stdlib.h>
#include <string.h>

#include "tests/agent-e2e-util.h"

static E2eAgent *agent;
static int n_clients = 32;
static int n_calls = 500;

typedef struct {
    int index;
    int calls;
    int errors;
    GString *log; /* the first errors, for the report */
} Worker;

static void
worker_error(Worker *w, int call, const char *what)
{
    w->errors++;
    if (w->errors <= 5)
        g_string_append_printf(w->log, "client %d call %d: %s: %s\n", w->index, call, what,
                               virGetLastErrorMessage());
}

static char *
worker_xml(Worker *w)
{
    /* a name and UUID of its own */
    return g_strdup_printf("<domain type='kvm'>\n"
                           "  <name>conc-%02d</name>\n"
                           "  <uuid>6c0e2f44-8a1b-4c3d-9e5f-0000000000%02x</uuid>\n"
                           "  <memory unit='KiB'>%d</memory>\n"
                           "  <vcpu>1</vcpu>\n"
                           "  <os><type arch='x86_64'>hvm</type></os>\n"
                           "</domain>\n",
                           w->index, w->index, 65536 + 1024 * w->index);
}

static gpointer
worker_run(gpointer data)
{
    Worker *w = data;
    g_autofree char *xml = worker_xml(w);
    g_autofree char *name = g_strdup_printf("conc-%02d", w->index);
    unsigned long long want_mem = 65536 + 1024 * w->index;
    virConnectPtr conn = virConnectOpen(agent->uri);
    virDomainPtr dom = NULL;

    if (!conn) {
        worker_error(w, 0, "virConnectOpen");
        return NULL;
    }
    dom = virDomainDefineXML(conn, xml);
    if (!dom)
        worker_error(w, 0, "virDomainDefineXML");
    for (int i = 0; i < n_calls && dom; i++) {
        w->calls++;
        switch (i % 10) {
        case 0: {
            unsigned long v = 0;

            if (virConnectGetLibVersion(conn, &v) < 0 || v < 9000000)
                worker_error(w, i, "virConnectGetLibVersion");
            break;
        }
        case 1: {
            virDomainPtr d = virDomainLookupByName(conn, name);

            if (!d)
                worker_error(w, i, "virDomainLookupByName");
            else if (strcmp(virDomainGetName(d), name) != 0)
                worker_error(w, i, "virDomainLookupByName: wrong domain");
            if (d)
                virDomainFree(d);
            break;
        }
        case 2:
        case 7: {
            virDomainInfo info;

            if (virDomainGetInfo(dom, &info) < 0)
                worker_error(w, i, "virDomainGetInfo");
            else if (info.maxMem != want_mem || info.state != VIR_DOMAIN_SHUTOFF)
                worker_error(w, i, "virDomainGetInfo: wrong answer");
            break;
        }
        case 3: {
            virDomainPtr *doms = NULL;
            int n = virConnectListAllDomains(conn, &doms, 0);
            bool mine = false;

            if (n < 0)
                worker_error(w, i, "virConnectListAllDomains");
            for (int k = 0; k < n; k++) {
                mine |= strcmp(virDomainGetName(doms[k]), name) == 0;
                virDomainFree(doms[k]);
            }
            free(doms);
            if (n >= 0 && !mine)
                worker_error(w, i, "virConnectListAllDomains: own domain missing");
            break;
        }
        case 4: {
            char *got = virDomainGetXMLDesc(dom, 0);
            g_autofree char *needle = g_strdup_printf("<name>%s</name>", name);

            if (!got || !strstr(got, needle))
                worker_error(w, i, "virDomainGetXMLDesc");
            free(got);
            break;
        }
        case 5: {
            /* undefine and define again: a fresh handle */
            if (virDomainUndefine(dom) < 0)
                worker_error(w, i, "virDomainUndefine");
            virDomainFree(dom);
            dom = virDomainDefineXML(conn, xml);
            if (!dom)
                worker_error(w, i, "virDomainDefineXML (again)");
            break;
        }
        case 6: {
            /* redefine in place (an update of the same UUID) */
            virDomainPtr d = virDomainDefineXML(conn, xml);

            if (!d)
                worker_error(w, i, "virDomainDefineXML (update)");
            else
                virDomainFree(d);
            break;
        }
        case 8: {
            int a = -1;

            if (virDomainSetAutostart(dom, i % 20 == 8) < 0 || virDomainGetAutostart(dom, &a) < 0 ||
                a != (i % 20 == 8))
                worker_error(w, i, "virDomainSet/GetAutostart");
            break;
        }
        default: {
            unsigned char uuid[VIR_UUID_BUFLEN];
            virDomainPtr d = NULL;

            if (virDomainGetUUID(dom, uuid) < 0 || !(d = virDomainLookupByUUID(conn, uuid)) ||
                strcmp(virDomainGetName(d), name) != 0)
                worker_error(w, i, "virDomainLookupByUUID");
            if (d)
                virDomainFree(d);
            break;
        }
        }
    }
    if (dom) {
        if (virDomainUndefine(dom) < 0)
            worker_error(w, n_calls, "virDomainUndefine (end)");
        virDomainFree(dom);
    }
    if (virConnectClose(conn) != 0)
        worker_error(w, n_calls, "virConnectClose");
    return NULL;
}

static void
test_concurrency(void)
{
    g_autofree Worker *workers = g_new0(Worker, n_clients);
    g_autofree GThread **threads = g_new0(GThread *, n_clients);
    virConnectPtr conn;
    virDomainPtr *doms = NULL;
    int fds_before, fds_after = -1, total_calls = 0, total_errors = 0;
    gint64 t0, deadline;

    fds_before = e2e_fd_count(agent->pid);
    g_assert_cmpint(fds_before, >, 0);
    t0 = g_get_monotonic_time();
    for (int i = 0; i < n_clients; i++) {
        workers[i].index = i;
        workers[i].log = g_string_new(NULL);
        threads[i] = g_thread_new("client", worker_run, &workers[i]);
    }
    for (int i = 0; i < n_clients; i++) {
        g_thread_join(threads[i]);
        total_calls += workers[i].calls;
        total_errors += workers[i].errors;
        if (workers[i].log->len)
            g_test_message("%s", workers[i].log->str);
        g_string_free(workers[i].log, TRUE);
    }
    g_test_message("%d clients x %d calls: %d calls in %.2f s, %d errors", n_clients, n_calls,
                   total_calls, (g_get_monotonic_time() - t0) / 1e6, total_errors);
    g_assert_cmpint(total_errors, ==, 0);
    g_assert_cmpint(total_calls, ==, n_clients * n_calls);
    g_assert_true(e2e_agent_alive(agent));

    /* nothing left behind */
    conn = virConnectOpen(agent->uri);
    g_assert_nonnull(conn);
    g_assert_cmpint(virConnectListAllDomains(conn, &doms, 0), ==, 0);
    free(doms);
    g_assert_cmpint(virConnectClose(conn), ==, 0);

    /* the agent closes connections asynchronously: give it a moment */
    deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
    while (g_get_monotonic_time() < deadline) {
        fds_after = e2e_fd_count(agent->pid);
        if (fds_after == fds_before)
            break;
        g_usleep(20 * 1000);
    }
    g_test_message("agent fds: %d before, %d after", fds_before, fds_after);
    g_assert_cmpint(fds_after, ==, fds_before);
}

/* valgrind maps its preload library into the programs it runs */
static bool
running_on_valgrind(void)
{
    g_autofree char *maps = NULL;

    return g_file_get_contents("/proc/self/maps", &maps, NULL, NULL) && strstr(maps, "vgpreload");
}

/* errors are asserted on, not printed */
static void
quiet_error(void *data, virErrorPtr err)
{
}

int
main(int argc, char **argv)
{
    const char *env;
    int rc;

    g_test_init(&argc, &argv, NULL);
    if (running_on_valgrind()) {
        n_clients = 8;
        n_calls = 100;
    }
    if ((env = g_getenv("E2E_CLIENTS")))
        n_clients = atoi(env);
    if ((env = g_getenv("E2E_CALLS")))
        n_calls = atoi(env);
    g_assert_cmpint(n_clients, >, 0);
    g_assert_cmpint(n_clients, <=, 200);
    g_assert_cmpint(n_calls, >, 0);
    virSetErrorFunc(NULL, quiet_error);

    agent = e2e_agent_new("agent-e2e-concurrency");
    if (!e2e_agent_start(agent)) {
        e2e_agent_free(agent);
        return 1;
    }
    g_test_add_func("/concurrency/clients", test_concurrency);
    rc = g_test_run();
    if (e2e_agent_stop(agent) != 0) {
        g_printerr("virtnoded did not exit with 0 on SIGTERM\n");
        rc = 1;
    }
    if (rc != 0) {
        g_autofree char *log = e2e_agent_log_from(agent, 0);

        g_printerr("# virtnoded log (tail):\n%s\n",
                   strlen(log) > 6000 ? log + strlen(log) - 6000 : log);
    }
    e2e_agent_free(agent);
    return rc;
}
