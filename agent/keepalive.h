/*
 * keepalive.h: libvirt's keepalive program from the agent's side
 *
 * Every PING a client sends is answered with a PONG at once (also before
 * CONNECT_OPEN); PONGs are only traffic. Once a client asked for feature
 * 10 (keepalive), the agent PINGs it after keepalive_interval seconds
 * without anything received and closes the connection when
 * keepalive_count PINGs in a row stayed unanswered, as libvirtd does.
 *
 * Main context only.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include "agent/server.h"
#include "rpc/message.h"

typedef struct Keepalive Keepalive;

/* The complete PING or PONG message (@procedure RPC_KEEPALIVE_PROC_*). */
GBytes *keepalive_message(int procedure);

/* Answers a message of the keepalive program: PONG for a PING, nothing
 * for anything else. */
void keepalive_handle(AgentClient *client, const RpcHeader *header);

/* Starts pinging @client (not referenced: stop before it goes) on
 * @context (NULL: the default one): after @interval seconds of silence,
 * then every @interval seconds; after @count unanswered PINGs the client
 * is closed. @interval <= 0 disables: NULL is returned. */
Keepalive *keepalive_start(AgentClient *client, GMainContext *context, int interval, int count);

/* Something arrived from the client: it is alive. NULL is fine. */
void keepalive_touch(Keepalive *ka);

/* Stops and frees; NULL is fine. */
void keepalive_stop(Keepalive *ka);
