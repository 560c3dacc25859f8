/* A client written against libvirt's public API only: it must build with
 * `cc netdemo.c $(pkg-config --cflags --libs libvirt)` against virtnode. */
#include <stdio.h>
#include <stdlib.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

static const char net_xml[] = "<network>\n"
                              "  <name>demo-net</name>\n"
                              "  <bridge name='vnbr-demo'/>\n"
                              "  <ip address='10.77.0.1' netmask='255.255.255.0'>\n"
                              "    <dhcp><range start='10.77.0.10' end='10.77.0.20'/></dhcp>\n"
                              "  </ip>\n"
                              "</network>\n";

int
main(int argc, char **argv)
{
    const char *uri = argc > 1 ? argv[1] : "test:///default";
    virConnectPtr conn = virConnectOpen(uri);
    virNetworkPtr net;
    virDomainPtr *doms = NULL;
    char *xml;
    int n;

    if (!conn) {
        fprintf(stderr, "open failed: %s\n", virGetLastErrorMessage());
        return 1;
    }
    if (!(net = virNetworkDefineXML(conn, net_xml))) {
        fprintf(stderr, "define failed: %s\n", virGetLastErrorMessage());
        return 1;
    }
    if (!(xml = virNetworkGetXMLDesc(net, 0)))
        return 1;
    printf("%s", xml);
    free(xml);

    if ((n = virConnectListAllDomains(conn, &doms, 0)) < 0)
        return 1;
    for (int i = 0; i < n; i++) {
        printf("domain %s id %d\n", virDomainGetName(doms[i]), (int)virDomainGetID(doms[i]));
        virDomainFree(doms[i]);
    }
    free(doms);

    if (virNetworkUndefine(net) < 0)
        return 1;
    virNetworkFree(net);
    if (virNetworkLookupByName(conn, "demo-net") != NULL ||
        virGetLastErrorCode() != VIR_ERR_NO_NETWORK) {
        fprintf(stderr, "network still defined after undefine\n");
        return 1;
    }
    printf("undefined\n");
    return virConnectClose(conn) == 0 ? 0 : 1;
}
