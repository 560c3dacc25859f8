/*
 * lib-mock-registry.c: the fake driver and registry behind lib/ unit tests
 *
 * mock:///default opens; mock:///fail fails with VIR_ERR_OPEN_FAILED; every
 * other scheme is declined. Domain lookups by name fail with
 * VIR_ERR_NO_DOMAIN from the test driver's error domain, except "ok"
 * which exists (inactive); domain_create fails with an already formatted
 * "wire" error. Everything else is left NULL (VIR_ERR_NO_SUPPORT).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <string.h>

#include "lib/driver-registry.h"
#include "tests/lib-mock-registry.h"
#include "util/error.h"

MockState mock_state;

static DrvOpenStatus
mock_connect_open(virConnectPtr conn, const VirUri *uri, unsigned int flags, GError **error)
{
    if (g_strcmp0(uri->scheme, "mock") != 0)
        return DRV_OPEN_DECLINED;
    if (strcmp(uri->path, "/fail") == 0) {
        g_set_error(error, TEST_ERROR, VIR_ERR_OPEN_FAILED, "%s", uri->path);
        return DRV_OPEN_ERROR;
    }
    mock_state.opens++;
    return DRV_OPEN_SUCCESS;
}

static void
mock_connect_close(virConnectPtr conn)
{
    mock_state.closes++;
}

static virDomainPtr
mock_domain_lookup_by_name(virConnectPtr conn, const char *name, GError **error)
{
    static const unsigned char uuid[UUID_LEN] = { 1, 2,  3,  4,  5,  6,  7,  8,
                                                  9, 10, 11, 12, 13, 14, 15, 16 };

    if (strcmp(name, "ok") == 0)
        return obj_domain_new(conn, name, uuid, -1);
    g_set_error(error, TEST_ERROR, VIR_ERR_NO_DOMAIN, "no domain with matching name '%s'", name);
    return NULL;
}

static bool
mock_domain_create(virDomainPtr dom, unsigned int flags, GError **error)
{
    g_set_error(error, error_wire_quark(VIR_FROM_QEMU), VIR_ERR_OPERATION_FAILED,
                "already formatted by the server");
    return false;
}

static bool
mock_connect_event_watch(virConnectPtr conn, EventFamily family, int event_id, bool enable,
                         GError **error)
{
    if (mock_state.fail_watch) {
        g_set_error(error, REMOTE_ERROR, VIR_ERR_RPC, "watch refused");
        return false;
    }
    if (enable)
        mock_state.watch_on++;
    else
        mock_state.watch_off++;
    return true;
}

static const HypervisorDriver mock_driver = {
    .name = "mock",
    .connect_open = mock_connect_open,
    .connect_close = mock_connect_close,
    .domain_lookup_by_name = mock_domain_lookup_by_name,
    .domain_create = mock_domain_create,
    .connect_event_watch = mock_connect_event_watch,
};

static const HypervisorDriver *const drivers[] = { &mock_driver };

const HypervisorDriver *const *
driver_registry_list(size_t *ret_count)
{
    *ret_count = G_N_ELEMENTS(drivers);
    return drivers;
}
