/*
 * server-priv.h: what server.c and client.c share (not for other modules)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "agent/server.h"

typedef struct AgentListener {
    AgentServer *server;
    char *path;
    int fd;
    bool readonly;
    GSource *source;
} AgentListener;

struct AgentServer {
    GMainContext *context;
    AgentServerHooks hooks;
    GPtrArray *listeners; /* AgentListener */
    GHashTable *clients;  /* AgentClient* (owning one reference each) */
    guint64 next_client_id;
    GThreadPool *pool;
    gint max_clients;         /* atomic: read by workers through clients */
    gint max_client_requests; /* atomic */
    gint calls_in_flight;     /* atomic */
    bool draining;            /* no more reading: shutting down */
    bool drain_aborted;
    GSource *accept_retry; /* accepting paused after EMFILE */
};

/* A unit of work for the pool: one call of one client. */
typedef struct AgentJob {
    AgentClient *client;
    GBytes *frame;
    AgentCallFunc func;
    gpointer user_data;
} AgentJob;

/* client.c */
AgentClient *agent_client_new(AgentServer *server, int fd, bool readonly);
/* Starts reading; logs the connection. */
void agent_client_start(AgentClient *client);
/* Re-evaluates whether the client should be read from (after limits change). */
void agent_client_update_reading(AgentClient *client);
/* Closes now (main context). */
void agent_client_close_now(AgentClient *client, const char *reason);
/* Makes the main context look at  soon: write queued replies,
 * take buffered frames, resume reading, carry out a close. Any thread. */
void agent_client_kick(AgentClient *client);
/* Whether messages are queued and unwritten. */
bool agent_client_has_output(AgentClient *client);
/* The worker pool's thread function: runs one AgentJob. */
void agent_server_job_run(gpointer data, gpointer user_data);
