/*
 * keepalive.c: PING/PONG towards the agent's clients
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include "agent/keepalive.h"
#include "util/log.h"

struct Keepalive {
    AgentClient *client;
    GMainContext *context;
    gint64 interval_us;
    int count;
    int unanswered; /* PINGs sent since the client was last heard */
    gint64 last_rx; /* monotonic time of the last message received */
    GSource *timer;
};

GBytes *
keepalive_message(int procedure)
{
    RpcHeader header = {
        .prog = RPC_KEEPALIVE_PROGRAM,
        .vers = RPC_KEEPALIVE_VERSION,
        .procedure = procedure,
        .type = RPC_TYPE_MESSAGE,
        .serial = RPC_KEEPALIVE_SERIAL,
        .status = RPC_STATUS_OK,
    };

    /* An empty payload cannot fail to encode. */
    return rpc_message_encode(&header, NULL, NULL, NULL);
}

void
keepalive_handle(AgentClient *client, const RpcHeader *header)
{
    g_autoptr(GBytes) pong = NULL;

    if (header->procedure != RPC_KEEPALIVE_PROC_PING)
        return;
    pong = keepalive_message(RPC_KEEPALIVE_PROC_PONG);
    agent_client_send(client, pong);
}

static gboolean keepalive_timer_cb(gpointer data);

/* Arms the timer to fire @delay_us from now. */
static void
keepalive_arm(Keepalive *ka, gint64 delay_us)
{
    if (ka->timer) {
        g_source_destroy(ka->timer);
        g_source_unref(ka->timer);
    }
    ka->timer = g_timeout_source_new((guint)MAX(delay_us / 1000, 1));
    g_source_set_callback(ka->timer, keepalive_timer_cb, ka, NULL);
    g_source_attach(ka->timer, ka->context);
}

static gboolean
keepalive_timer_cb(gpointer data)
{
    Keepalive *ka = data;
    gint64 idle = g_get_monotonic_time() - ka->last_rx;
    g_autoptr(GBytes) ping = NULL;

    if (idle < ka->interval_us) {
        /* Heard from it meanwhile: wait for a whole interval of silence. */
        ka->unanswered = 0;
        keepalive_arm(ka, ka->interval_us - idle);
        return G_SOURCE_REMOVE;
    }
    if (ka->unanswered >= ka->count) {
        log_warn("client %" G_GUINT64_FORMAT
                 ": no answer to %d keepalive ping(s) in %" G_GINT64_FORMAT
                 " s; closing the connection",
                 agent_client_get_id(ka->client), ka->unanswered, idle / G_USEC_PER_SEC);
        agent_client_close(ka->client, /* flush = */ false);
        return G_SOURCE_REMOVE; /* keepalive_stop() follows with the close */
    }
    ping = keepalive_message(RPC_KEEPALIVE_PROC_PING);
    agent_client_send(ka->client, ping);
    ka->unanswered++;
    log_debug("client %" G_GUINT64_FORMAT ": keepalive ping %d", agent_client_get_id(ka->client),
              ka->unanswered);
    keepalive_arm(ka, ka->interval_us);
    return G_SOURCE_REMOVE;
}

Keepalive *
keepalive_start(AgentClient *client, GMainContext *context, int interval, int count)
{
    Keepalive *ka;

    if (interval <= 0)
        return NULL;
    ka = g_new0(Keepalive, 1);
    ka->client = client;
    ka->context = context;
    ka->interval_us = (gint64)interval * G_USEC_PER_SEC;
    ka->count = MAX(count, 0);
    ka->last_rx = g_get_monotonic_time();
    keepalive_arm(ka, ka->interval_us);
    return ka;
}

void
keepalive_touch(Keepalive *ka)
{
    if (!ka)
        return;
    ka->last_rx = g_get_monotonic_time();
    ka->unanswered = 0;
}

void
keepalive_stop(Keepalive *ka)
{
    if (!ka)
        return;
    if (ka->timer) {
        g_source_destroy(ka->timer);
        g_source_unref(ka->timer);
    }
    g_free(ka);
}
