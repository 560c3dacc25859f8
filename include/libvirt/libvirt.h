/*
 * libvirt.h: the virtnode implementation of libvirt's public C API
 *
 * A program written against libvirt compiles unchanged against this header:
 * the names, enum values, structures and signatures below are libvirt's.
 * Only the subset that virtnode implements is declared.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef VIR_LIBVIRT_H
#define VIR_LIBVIRT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The libvirt API level this library is source-compatible with (9.0.0). */
#define LIBVIR_VERSION_NUMBER 9000000
#define LIBVIR_CHECK_VERSION(major, minor, micro)                                                  \
    ((major)*1000000 + (minor)*1000 + (micro) <= LIBVIR_VERSION_NUMBER)

#define VIR_UUID_BUFLEN 16
#define VIR_UUID_STRING_BUFLEN 37

#ifndef VIR_DEPRECATED
#define VIR_DEPRECATED __attribute__((__deprecated__))
#endif

typedef struct _virConnect virConnect;
typedef virConnect *virConnectPtr;
typedef struct _virDomain virDomain;
typedef virDomain *virDomainPtr;
typedef struct _virNetwork virNetwork;
typedef virNetwork *virNetworkPtr;

typedef void (*virFreeCallback)(void *opaque);

typedef enum {
    VIR_CONNECT_RO = 1,
    VIR_CONNECT_NO_ALIASES = 2,
} virConnectFlags;

typedef enum {
    VIR_CRED_USERNAME = 1,
    VIR_CRED_AUTHNAME = 2,
    VIR_CRED_LANGUAGE = 3,
    VIR_CRED_CNONCE = 4,
    VIR_CRED_PASSPHRASE = 5,
    VIR_CRED_ECHOPROMPT = 6,
    VIR_CRED_NOECHOPROMPT = 7,
    VIR_CRED_REALM = 8,
    VIR_CRED_EXTERNAL = 9,
} virConnectCredentialType;

typedef enum {
    VIR_DOMAIN_NOSTATE = 0,
    VIR_DOMAIN_RUNNING = 1,
    VIR_DOMAIN_BLOCKED = 2,
    VIR_DOMAIN_PAUSED = 3,
    VIR_DOMAIN_SHUTDOWN = 4,
    VIR_DOMAIN_SHUTOFF = 5,
    VIR_DOMAIN_CRASHED = 6,
    VIR_DOMAIN_PMSUSPENDED = 7,
} virDomainState;

typedef enum {
    VIR_DOMAIN_NOSTATE_UNKNOWN = 0,
} virDomainNostateReason;

typedef enum {
    VIR_DOMAIN_RUNNING_UNKNOWN = 0,
    VIR_DOMAIN_RUNNING_BOOTED = 1,
    VIR_DOMAIN_RUNNING_MIGRATED = 2,
    VIR_DOMAIN_RUNNING_RESTORED = 3,
    VIR_DOMAIN_RUNNING_FROM_SNAPSHOT = 4,
    VIR_DOMAIN_RUNNING_UNPAUSED = 5,
    VIR_DOMAIN_RUNNING_MIGRATION_CANCELED = 6,
    VIR_DOMAIN_RUNNING_SAVE_CANCELED = 7,
    VIR_DOMAIN_RUNNING_WAKEUP = 8,
    VIR_DOMAIN_RUNNING_CRASHED = 9,
    VIR_DOMAIN_RUNNING_POSTCOPY = 10,
    VIR_DOMAIN_RUNNING_POSTCOPY_FAILED = 11,
} virDomainRunningReason;

typedef enum {
    VIR_DOMAIN_BLOCKED_UNKNOWN = 0,
} virDomainBlockedReason;

typedef enum {
    VIR_DOMAIN_PAUSED_UNKNOWN = 0,
    VIR_DOMAIN_PAUSED_USER = 1,
    VIR_DOMAIN_PAUSED_MIGRATION = 2,
    VIR_DOMAIN_PAUSED_SAVE = 3,
    VIR_DOMAIN_PAUSED_DUMP = 4,
    VIR_DOMAIN_PAUSED_IOERROR = 5,
    VIR_DOMAIN_PAUSED_WATCHDOG = 6,
    VIR_DOMAIN_PAUSED_FROM_SNAPSHOT = 7,
    VIR_DOMAIN_PAUSED_SHUTTING_DOWN = 8,
    VIR_DOMAIN_PAUSED_SNAPSHOT = 9,
    VIR_DOMAIN_PAUSED_CRASHED = 10,
    VIR_DOMAIN_PAUSED_STARTING_UP = 11,
    VIR_DOMAIN_PAUSED_POSTCOPY = 12,
    VIR_DOMAIN_PAUSED_POSTCOPY_FAILED = 13,
} virDomainPausedReason;

typedef enum {
    VIR_DOMAIN_SHUTDOWN_UNKNOWN = 0,
    VIR_DOMAIN_SHUTDOWN_USER = 1,
} virDomainShutdownReason;

typedef enum {
    VIR_DOMAIN_SHUTOFF_UNKNOWN = 0,
    VIR_DOMAIN_SHUTOFF_SHUTDOWN = 1,
    VIR_DOMAIN_SHUTOFF_DESTROYED = 2,
    VIR_DOMAIN_SHUTOFF_CRASHED = 3,
    VIR_DOMAIN_SHUTOFF_MIGRATED = 4,
    VIR_DOMAIN_SHUTOFF_SAVED = 5,
    VIR_DOMAIN_SHUTOFF_FAILED = 6,
    VIR_DOMAIN_SHUTOFF_FROM_SNAPSHOT = 7,
    VIR_DOMAIN_SHUTOFF_DAEMON = 8,
} virDomainShutoffReason;

typedef enum {
    VIR_DOMAIN_CRASHED_UNKNOWN = 0,
    VIR_DOMAIN_CRASHED_PANICKED = 1,
} virDomainCrashedReason;

typedef enum {
    VIR_DOMAIN_PMSUSPENDED_UNKNOWN = 0,
} virDomainPMSuspendedReason;

typedef enum {
    VIR_DOMAIN_NONE = 0,
    VIR_DOMAIN_START_PAUSED = 1,
    VIR_DOMAIN_START_AUTODESTROY = 2,
    VIR_DOMAIN_START_BYPASS_CACHE = 4,
    VIR_DOMAIN_START_FORCE_BOOT = 8,
    VIR_DOMAIN_START_VALIDATE = 16,
    VIR_DOMAIN_START_RESET_NVRAM = 32,
} virDomainCreateFlags;

typedef enum {
    VIR_DOMAIN_DESTROY_DEFAULT = 0,
    VIR_DOMAIN_DESTROY_GRACEFUL = 1,
    VIR_DOMAIN_DESTROY_REMOVE_LOGS = 2,
} virDomainDestroyFlagsValues;

typedef enum {
    VIR_DOMAIN_SHUTDOWN_DEFAULT = 0,
    VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN = 1,
    VIR_DOMAIN_SHUTDOWN_GUEST_AGENT = 2,
    VIR_DOMAIN_SHUTDOWN_INITCTL = 4,
    VIR_DOMAIN_SHUTDOWN_SIGNAL = 8,
    VIR_DOMAIN_SHUTDOWN_PARAVIRT = 16,
} virDomainShutdownFlagValues;

typedef enum {
    VIR_DOMAIN_REBOOT_DEFAULT = 0,
    VIR_DOMAIN_REBOOT_ACPI_POWER_BTN = 1,
    VIR_DOMAIN_REBOOT_GUEST_AGENT = 2,
    VIR_DOMAIN_REBOOT_INITCTL = 4,
    VIR_DOMAIN_REBOOT_SIGNAL = 8,
    VIR_DOMAIN_REBOOT_PARAVIRT = 16,
} virDomainRebootFlagValues;

typedef enum {
    VIR_DOMAIN_UNDEFINE_MANAGED_SAVE = 1,
    VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA = 2,
    VIR_DOMAIN_UNDEFINE_NVRAM = 4,
    VIR_DOMAIN_UNDEFINE_KEEP_NVRAM = 8,
    VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA = 16,
    VIR_DOMAIN_UNDEFINE_TPM = 32,
    VIR_DOMAIN_UNDEFINE_KEEP_TPM = 64,
} virDomainUndefineFlagsValues;

typedef enum {
    VIR_DOMAIN_DEFINE_VALIDATE = 1,
} virDomainDefineFlags;

typedef enum {
    VIR_DOMAIN_XML_SECURE = 1,
    VIR_DOMAIN_XML_INACTIVE = 2,
    VIR_DOMAIN_XML_UPDATE_CPU = 4,
    VIR_DOMAIN_XML_MIGRATABLE = 8,
} virDomainXMLFlags;

typedef enum {
    VIR_CONNECT_LIST_DOMAINS_ACTIVE = 1,
    VIR_CONNECT_LIST_DOMAINS_INACTIVE = 2,
    VIR_CONNECT_LIST_DOMAINS_PERSISTENT = 4,
    VIR_CONNECT_LIST_DOMAINS_TRANSIENT = 8,
    VIR_CONNECT_LIST_DOMAINS_RUNNING = 16,
    VIR_CONNECT_LIST_DOMAINS_PAUSED = 32,
    VIR_CONNECT_LIST_DOMAINS_SHUTOFF = 64,
    VIR_CONNECT_LIST_DOMAINS_OTHER = 128,
    VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE = 256,
    VIR_CONNECT_LIST_DOMAINS_NO_MANAGEDSAVE = 512,
    VIR_CONNECT_LIST_DOMAINS_AUTOSTART = 1024,
    VIR_CONNECT_LIST_DOMAINS_NO_AUTOSTART = 2048,
    VIR_CONNECT_LIST_DOMAINS_HAS_SNAPSHOT = 4096,
    VIR_CONNECT_LIST_DOMAINS_NO_SNAPSHOT = 8192,
    VIR_CONNECT_LIST_DOMAINS_HAS_CHECKPOINT = 16384,
    VIR_CONNECT_LIST_DOMAINS_NO_CHECKPOINT = 32768,
} virConnectListAllDomainsFlags;

typedef enum {
    VIR_DOMAIN_AFFECT_CURRENT = 0,
    VIR_DOMAIN_AFFECT_LIVE = 1,
    VIR_DOMAIN_AFFECT_CONFIG = 2,
} virDomainModificationImpact;

typedef enum {
    VIR_DOMAIN_VCPU_CURRENT = 0,
    VIR_DOMAIN_VCPU_LIVE = 1,
    VIR_DOMAIN_VCPU_CONFIG = 2,
    VIR_DOMAIN_VCPU_MAXIMUM = 4,
    VIR_DOMAIN_VCPU_GUEST = 8,
    VIR_DOMAIN_VCPU_HOTPLUGGABLE = 16,
} virDomainVcpuFlags;

typedef enum {
    VIR_DOMAIN_EVENT_ID_LIFECYCLE = 0,
    VIR_DOMAIN_EVENT_ID_REBOOT = 1,
    VIR_DOMAIN_EVENT_ID_RTC_CHANGE = 2,
    VIR_DOMAIN_EVENT_ID_WATCHDOG = 3,
    VIR_DOMAIN_EVENT_ID_IO_ERROR = 4,
    VIR_DOMAIN_EVENT_ID_GRAPHICS = 5,
    VIR_DOMAIN_EVENT_ID_IO_ERROR_REASON = 6,
    VIR_DOMAIN_EVENT_ID_CONTROL_ERROR = 7,
    VIR_DOMAIN_EVENT_ID_BLOCK_JOB = 8,
    VIR_DOMAIN_EVENT_ID_DISK_CHANGE = 9,
    VIR_DOMAIN_EVENT_ID_TRAY_CHANGE = 10,
    VIR_DOMAIN_EVENT_ID_PMWAKEUP = 11,
    VIR_DOMAIN_EVENT_ID_PMSUSPEND = 12,
    VIR_DOMAIN_EVENT_ID_BALLOON_CHANGE = 13,
    VIR_DOMAIN_EVENT_ID_PMSUSPEND_DISK = 14,
    VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED = 15,
    VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2 = 16,
    VIR_DOMAIN_EVENT_ID_TUNABLE = 17,
    VIR_DOMAIN_EVENT_ID_AGENT_LIFECYCLE = 18,
    VIR_DOMAIN_EVENT_ID_DEVICE_ADDED = 19,
    VIR_DOMAIN_EVENT_ID_MIGRATION_ITERATION = 20,
    VIR_DOMAIN_EVENT_ID_JOB_COMPLETED = 21,
    VIR_DOMAIN_EVENT_ID_DEVICE_REMOVAL_FAILED = 22,
    VIR_DOMAIN_EVENT_ID_METADATA_CHANGE = 23,
    VIR_DOMAIN_EVENT_ID_BLOCK_THRESHOLD = 24,
    VIR_DOMAIN_EVENT_ID_MEMORY_FAILURE = 25,
    VIR_DOMAIN_EVENT_ID_MEMORY_DEVICE_SIZE_CHANGE = 26,
} virDomainEventID;

typedef enum {
    VIR_DOMAIN_EVENT_DEFINED = 0,
    VIR_DOMAIN_EVENT_UNDEFINED = 1,
    VIR_DOMAIN_EVENT_STARTED = 2,
    VIR_DOMAIN_EVENT_SUSPENDED = 3,
    VIR_DOMAIN_EVENT_RESUMED = 4,
    VIR_DOMAIN_EVENT_STOPPED = 5,
    VIR_DOMAIN_EVENT_SHUTDOWN = 6,
    VIR_DOMAIN_EVENT_PMSUSPENDED = 7,
    VIR_DOMAIN_EVENT_CRASHED = 8,
} virDomainEventType;

typedef enum {
    VIR_DOMAIN_EVENT_DEFINED_ADDED = 0,
    VIR_DOMAIN_EVENT_DEFINED_UPDATED = 1,
    VIR_DOMAIN_EVENT_DEFINED_RENAMED = 2,
    VIR_DOMAIN_EVENT_DEFINED_FROM_SNAPSHOT = 3,
} virDomainEventDefinedDetailType;

typedef enum {
    VIR_DOMAIN_EVENT_UNDEFINED_REMOVED = 0,
    VIR_DOMAIN_EVENT_UNDEFINED_RENAMED = 1,
} virDomainEventUndefinedDetailType;

typedef enum {
    VIR_DOMAIN_EVENT_STARTED_BOOTED = 0,
    VIR_DOMAIN_EVENT_STARTED_MIGRATED = 1,
    VIR_DOMAIN_EVENT_STARTED_RESTORED = 2,
    VIR_DOMAIN_EVENT_STARTED_FROM_SNAPSHOT = 3,
    VIR_DOMAIN_EVENT_STARTED_WAKEUP = 4,
} virDomainEventStartedDetailType;

typedef enum {
    VIR_DOMAIN_EVENT_SUSPENDED_PAUSED = 0,
    VIR_DOMAIN_EVENT_SUSPENDED_MIGRATED = 1,
    VIR_DOMAIN_EVENT_SUSPENDED_IOERROR = 2,
    VIR_DOMAIN_EVENT_SUSPENDED_WATCHDOG = 3,
    VIR_DOMAIN_EVENT_SUSPENDED_RESTORED = 4,
    VIR_DOMAIN_EVENT_SUSPENDED_FROM_SNAPSHOT = 5,
    VIR_DOMAIN_EVENT_SUSPENDED_API_ERROR = 6,
    VIR_DOMAIN_EVENT_SUSPENDED_POSTCOPY = 7,
    VIR_DOMAIN_EVENT_SUSPENDED_POSTCOPY_FAILED = 8,
} virDomainEventSuspendedDetailType;

typedef enum {
    VIR_DOMAIN_EVENT_RESUMED_UNPAUSED = 0,
    VIR_DOMAIN_EVENT_RESUMED_MIGRATED = 1,
    VIR_DOMAIN_EVENT_RESUMED_FROM_SNAPSHOT = 2,
    VIR_DOMAIN_EVENT_RESUMED_POSTCOPY = 3,
    VIR_DOMAIN_EVENT_RESUMED_POSTCOPY_FAILED = 4,
} virDomainEventResumedDetailType;

typedef enum {
    VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN = 0,
    VIR_DOMAIN_EVENT_STOPPED_DESTROYED = 1,
    VIR_DOMAIN_EVENT_STOPPED_CRASHED = 2,
    VIR_DOMAIN_EVENT_STOPPED_MIGRATED = 3,
    VIR_DOMAIN_EVENT_STOPPED_SAVED = 4,
    VIR_DOMAIN_EVENT_STOPPED_FAILED = 5,
    VIR_DOMAIN_EVENT_STOPPED_FROM_SNAPSHOT = 6,
} virDomainEventStoppedDetailType;

typedef enum {
    VIR_DOMAIN_EVENT_SHUTDOWN_FINISHED = 0,
    VIR_DOMAIN_EVENT_SHUTDOWN_GUEST = 1,
    VIR_DOMAIN_EVENT_SHUTDOWN_HOST = 2,
} virDomainEventShutdownDetailType;

typedef enum {
    VIR_DOMAIN_EVENT_PMSUSPENDED_MEMORY = 0,
    VIR_DOMAIN_EVENT_PMSUSPENDED_DISK = 1,
} virDomainEventPMSuspendedDetailType;

typedef enum {
    VIR_DOMAIN_EVENT_CRASHED_PANICKED = 0,
    VIR_DOMAIN_EVENT_CRASHED_CRASHLOADED = 1,
} virDomainEventCrashedDetailType;

typedef enum {
    VIR_NETWORK_XML_INACTIVE = 1,
} virNetworkXMLFlags;

typedef enum {
    VIR_CONNECT_LIST_NETWORKS_INACTIVE = 1,
    VIR_CONNECT_LIST_NETWORKS_ACTIVE = 2,
    VIR_CONNECT_LIST_NETWORKS_PERSISTENT = 4,
    VIR_CONNECT_LIST_NETWORKS_TRANSIENT = 8,
    VIR_CONNECT_LIST_NETWORKS_AUTOSTART = 16,
    VIR_CONNECT_LIST_NETWORKS_NO_AUTOSTART = 32,
} virConnectListAllNetworksFlags;

typedef enum {
    VIR_NETWORK_DEFINE_VALIDATE = 1,
} virNetworkDefineFlags;

typedef enum {
    VIR_NETWORK_CREATE_VALIDATE = 1,
} virNetworkCreateFlags;

typedef enum {
    VIR_NETWORK_EVENT_ID_LIFECYCLE = 0,
} virNetworkEventID;

typedef enum {
    VIR_NETWORK_EVENT_DEFINED = 0,
    VIR_NETWORK_EVENT_UNDEFINED = 1,
    VIR_NETWORK_EVENT_STARTED = 2,
    VIR_NETWORK_EVENT_STOPPED = 3,
} virNetworkEventLifecycleType;

typedef enum {
    VIR_IP_ADDR_TYPE_IPV4 = 0,
    VIR_IP_ADDR_TYPE_IPV6 = 1,
} virIPAddrType;

typedef enum {
    VIR_EVENT_HANDLE_READABLE = 1,
    VIR_EVENT_HANDLE_WRITABLE = 2,
    VIR_EVENT_HANDLE_ERROR = 4,
    VIR_EVENT_HANDLE_HANGUP = 8,
} virEventHandleType;

typedef enum {
    VIR_CONNECT_CLOSE_REASON_ERROR = 0,
    VIR_CONNECT_CLOSE_REASON_EOF = 1,
    VIR_CONNECT_CLOSE_REASON_KEEPALIVE = 2,
    VIR_CONNECT_CLOSE_REASON_CLIENT = 3,
} virConnectCloseReason;

typedef enum {
    VIR_DOMAIN_MEM_CURRENT = 0,
    VIR_DOMAIN_MEM_LIVE = 1,
    VIR_DOMAIN_MEM_CONFIG = 2,
    VIR_DOMAIN_MEM_MAXIMUM = 4,
} virDomainMemoryModFlags;

/* ---- Event loop ------------------------------------------------------ */

typedef void (*virEventHandleCallback)(int watch, int fd, int events, void *opaque);
typedef int (*virEventAddHandleFunc)(int fd, int event, virEventHandleCallback cb, void *opaque,
                                     virFreeCallback ff);
typedef void (*virEventUpdateHandleFunc)(int watch, int event);
typedef int (*virEventRemoveHandleFunc)(int watch);
typedef void (*virEventTimeoutCallback)(int timer, void *opaque);
typedef int (*virEventAddTimeoutFunc)(int timeout, virEventTimeoutCallback cb, void *opaque,
                                      virFreeCallback ff);
typedef void (*virEventUpdateTimeoutFunc)(int timer, int timeout);
typedef int (*virEventRemoveTimeoutFunc)(int timer);

void virEventRegisterImpl(virEventAddHandleFunc addHandle, virEventUpdateHandleFunc updateHandle,
                          virEventRemoveHandleFunc removeHandle, virEventAddTimeoutFunc addTimeout,
                          virEventUpdateTimeoutFunc updateTimeout,
                          virEventRemoveTimeoutFunc removeTimeout);
int virEventRegisterDefaultImpl(void);
int virEventRunDefaultImpl(void);
int virEventAddHandle(int fd, int events, virEventHandleCallback cb, void *opaque,
                      virFreeCallback ff);
void virEventUpdateHandle(int watch, int events);
int virEventRemoveHandle(int watch);
int virEventAddTimeout(int frequency, virEventTimeoutCallback cb, void *opaque, virFreeCallback ff);
void virEventUpdateTimeout(int timer, int frequency);
int virEventRemoveTimeout(int timer);

/* ---- Host and connection --------------------------------------------- */

typedef struct _virConnectCredential virConnectCredential;
typedef virConnectCredential *virConnectCredentialPtr;
struct _virConnectCredential {
    int type; /* virConnectCredentialType */
    const char *prompt;
    const char *challenge;
    const char *defresult;
    char *result;
    unsigned int resultlen;
};

typedef int (*virConnectAuthCallbackPtr)(virConnectCredentialPtr cred, unsigned int ncred,
                                         void *cbdata);

typedef struct _virConnectAuth virConnectAuth;
typedef virConnectAuth *virConnectAuthPtr;
struct _virConnectAuth {
    int *credtype;
    unsigned int ncredtype;
    virConnectAuthCallbackPtr cb;
    void *cbdata;
};

extern virConnectAuthPtr virConnectAuthPtrDefault;

#define VIR_NODEINFO_MAXCPUS(nodeinfo)                                                             \
    ((nodeinfo).nodes * (nodeinfo).sockets * (nodeinfo).cores * (nodeinfo).threads)

typedef struct _virNodeInfo virNodeInfo;
typedef virNodeInfo *virNodeInfoPtr;
struct _virNodeInfo {
    char model[32];       /* CPU model (architecture name) */
    unsigned long memory; /* KiB */
    unsigned int cpus;    /* active CPUs */
    unsigned int mhz;
    unsigned int nodes;   /* NUMA nodes */
    unsigned int sockets; /* per node */
    unsigned int cores;   /* per socket */
    unsigned int threads; /* per core */
};

typedef void (*virConnectCloseFunc)(virConnectPtr conn, int reason, void *opaque);

#define VIR_SECURITY_LABEL_BUFLEN (4096 + 1)
#define VIR_SECURITY_MODEL_BUFLEN (256 + 1)
#define VIR_SECURITY_DOI_BUFLEN (256 + 1)

/* The security label of a domain (empty when the domain has none). */
typedef struct _virSecurityLabel virSecurityLabel;
typedef virSecurityLabel *virSecurityLabelPtr;
struct _virSecurityLabel {
    char label[VIR_SECURITY_LABEL_BUFLEN];
    int enforcing; /* 1 enforcing, 0 permissive */
};

/* The host's security model and domain of interpretation (empty: none). */
typedef struct _virSecurityModel virSecurityModel;
typedef virSecurityModel *virSecurityModelPtr;
struct _virSecurityModel {
    char model[VIR_SECURITY_MODEL_BUFLEN];
    char doi[VIR_SECURITY_DOI_BUFLEN];
};

int virInitialize(void);
int virGetVersion(unsigned long *libVer, const char *type, unsigned long *typeVer);

virConnectPtr virConnectOpen(const char *name);
virConnectPtr virConnectOpenReadOnly(const char *name);
virConnectPtr virConnectOpenAuth(const char *name, virConnectAuthPtr auth, unsigned int flags);
int virConnectClose(virConnectPtr conn);
int virConnectRef(virConnectPtr conn);
const char *virConnectGetType(virConnectPtr conn);
int virConnectGetVersion(virConnectPtr conn, unsigned long *hvVer);
int virConnectGetLibVersion(virConnectPtr conn, unsigned long *libVer);
char *virConnectGetHostname(virConnectPtr conn);
char *virConnectGetURI(virConnectPtr conn);
char *virConnectGetCapabilities(virConnectPtr conn);
char *virConnectGetSysinfo(virConnectPtr conn, unsigned int flags);
int virConnectGetMaxVcpus(virConnectPtr conn, const char *type);
int virConnectIsAlive(virConnectPtr conn);
int virConnectIsSecure(virConnectPtr conn);
int virConnectIsEncrypted(virConnectPtr conn);
int virConnectSetKeepAlive(virConnectPtr conn, int interval, unsigned int count);
int virConnectRegisterCloseCallback(virConnectPtr conn, virConnectCloseFunc cb, void *opaque,
                                    virFreeCallback freecb);
int virConnectUnregisterCloseCallback(virConnectPtr conn, virConnectCloseFunc cb);
int virNodeGetInfo(virConnectPtr conn, virNodeInfoPtr info);
unsigned long long virNodeGetFreeMemory(virConnectPtr conn);
int virNodeGetSecurityModel(virConnectPtr conn, virSecurityModelPtr secmodel);

/* ---- Domains --------------------------------------------------------- */

typedef struct _virDomainInfo virDomainInfo;
typedef virDomainInfo *virDomainInfoPtr;
struct _virDomainInfo {
    unsigned char state;  /* virDomainState */
    unsigned long maxMem; /* KiB */
    unsigned long memory; /* KiB */
    unsigned short nrVirtCpu;
    unsigned long long cpuTime; /* nanoseconds */
};

int virConnectNumOfDomains(virConnectPtr conn);
int virConnectListDomains(virConnectPtr conn, int *ids, int maxids);
int virConnectNumOfDefinedDomains(virConnectPtr conn);
int virConnectListDefinedDomains(virConnectPtr conn, char **const names, int maxnames);
int virConnectListAllDomains(virConnectPtr conn, virDomainPtr **domains, unsigned int flags);

virDomainPtr virDomainLookupByID(virConnectPtr conn, int id);
virDomainPtr virDomainLookupByName(virConnectPtr conn, const char *name);
virDomainPtr virDomainLookupByUUID(virConnectPtr conn, const unsigned char *uuid);
virDomainPtr virDomainLookupByUUIDString(virConnectPtr conn, const char *uuid);

virDomainPtr virDomainDefineXML(virConnectPtr conn, const char *xml);
virDomainPtr virDomainDefineXMLFlags(virConnectPtr conn, const char *xml, unsigned int flags);
int virDomainUndefine(virDomainPtr domain);
int virDomainUndefineFlags(virDomainPtr domain, unsigned int flags);
int virDomainCreate(virDomainPtr domain);
int virDomainCreateWithFlags(virDomainPtr domain, unsigned int flags);
virDomainPtr virDomainCreateXML(virConnectPtr conn, const char *xmlDesc, unsigned int flags);
int virDomainDestroy(virDomainPtr domain);
int virDomainDestroyFlags(virDomainPtr domain, unsigned int flags);
int virDomainShutdown(virDomainPtr domain);
int virDomainShutdownFlags(virDomainPtr domain, unsigned int flags);
int virDomainReboot(virDomainPtr domain, unsigned int flags);
int virDomainReset(virDomainPtr domain, unsigned int flags);
int virDomainSuspend(virDomainPtr domain);
int virDomainResume(virDomainPtr domain);

int virDomainGetInfo(virDomainPtr domain, virDomainInfoPtr info);
int virDomainGetState(virDomainPtr domain, int *state, int *reason, unsigned int flags);
char *virDomainGetXMLDesc(virDomainPtr domain, unsigned int flags);
const char *virDomainGetName(virDomainPtr domain);
int virDomainGetUUID(virDomainPtr domain, unsigned char *uuid);
int virDomainGetUUIDString(virDomainPtr domain, char *buf);
unsigned int virDomainGetID(virDomainPtr domain);
char *virDomainGetOSType(virDomainPtr domain);
unsigned long virDomainGetMaxMemory(virDomainPtr domain);
int virDomainGetVcpusFlags(virDomainPtr domain, unsigned int flags);
int virDomainGetAutostart(virDomainPtr domain, int *autostart);
int virDomainSetAutostart(virDomainPtr domain, int autostart);
int virDomainIsActive(virDomainPtr dom);
int virDomainIsPersistent(virDomainPtr dom);
int virDomainGetSecurityLabel(virDomainPtr domain, virSecurityLabelPtr seclabel);
int virDomainHasManagedSaveImage(virDomainPtr dom, unsigned int flags);
virConnectPtr virDomainGetConnect(virDomainPtr domain);
int virDomainRef(virDomainPtr domain);
int virDomainFree(virDomainPtr domain);

/* Domain events */
typedef void (*virConnectDomainEventGenericCallback)(virConnectPtr conn, virDomainPtr dom,
                                                     void *opaque);
typedef int (*virConnectDomainEventCallback)(virConnectPtr conn, virDomainPtr dom, int event,
                                             int detail, void *opaque);
#define VIR_DOMAIN_EVENT_CALLBACK(cb) ((virConnectDomainEventGenericCallback)(cb))

int virConnectDomainEventRegisterAny(virConnectPtr conn, virDomainPtr dom, int eventID,
                                     virConnectDomainEventGenericCallback cb, void *opaque,
                                     virFreeCallback freecb);
int virConnectDomainEventDeregisterAny(virConnectPtr conn, int callbackID);

/* ---- Networks -------------------------------------------------------- */

typedef struct _virNetworkDHCPLease virNetworkDHCPLease;
typedef virNetworkDHCPLease *virNetworkDHCPLeasePtr;
struct _virNetworkDHCPLease {
    char *iface;          /* network interface name */
    long long expirytime; /* seconds since the epoch */
    int type;             /* virIPAddrType */
    char *mac;
    char *iaid; /* IPv6 only */
    char *ipaddr;
    unsigned int prefix;
    char *hostname;
    char *clientid;
};

int virConnectNumOfNetworks(virConnectPtr conn);
int virConnectListNetworks(virConnectPtr conn, char **const names, int maxnames);
int virConnectNumOfDefinedNetworks(virConnectPtr conn);
int virConnectListDefinedNetworks(virConnectPtr conn, char **const names, int maxnames);
int virConnectListAllNetworks(virConnectPtr conn, virNetworkPtr **nets, unsigned int flags);

virNetworkPtr virNetworkLookupByName(virConnectPtr conn, const char *name);
virNetworkPtr virNetworkLookupByUUID(virConnectPtr conn, const unsigned char *uuid);
virNetworkPtr virNetworkLookupByUUIDString(virConnectPtr conn, const char *uuid);

virNetworkPtr virNetworkDefineXML(virConnectPtr conn, const char *xmlDesc);
virNetworkPtr virNetworkDefineXMLFlags(virConnectPtr conn, const char *xmlDesc, unsigned int flags);
virNetworkPtr virNetworkCreateXML(virConnectPtr conn, const char *xmlDesc);
virNetworkPtr virNetworkCreateXMLFlags(virConnectPtr conn, const char *xmlDesc, unsigned int flags);
int virNetworkUndefine(virNetworkPtr network);

typedef enum {
    VIR_NETWORK_UPDATE_COMMAND_NONE = 0,
    VIR_NETWORK_UPDATE_COMMAND_MODIFY = 1,
    VIR_NETWORK_UPDATE_COMMAND_DELETE = 2,
    VIR_NETWORK_UPDATE_COMMAND_ADD_LAST = 3,
    VIR_NETWORK_UPDATE_COMMAND_ADD_FIRST = 4,
#ifdef VIR_ENUM_SENTINELS
    VIR_NETWORK_UPDATE_COMMAND_LAST
#endif
} virNetworkUpdateCommand;

typedef enum {
    VIR_NETWORK_SECTION_NONE = 0,
    VIR_NETWORK_SECTION_BRIDGE = 1,
    VIR_NETWORK_SECTION_DOMAIN = 2,
    VIR_NETWORK_SECTION_IP = 3,
    VIR_NETWORK_SECTION_IP_DHCP_HOST = 4,
    VIR_NETWORK_SECTION_IP_DHCP_RANGE = 5,
    VIR_NETWORK_SECTION_FORWARD = 6,
    VIR_NETWORK_SECTION_FORWARD_INTERFACE = 7,
    VIR_NETWORK_SECTION_FORWARD_PF = 8,
    VIR_NETWORK_SECTION_PORTGROUP = 9,
    VIR_NETWORK_SECTION_DNS_HOST = 10,
    VIR_NETWORK_SECTION_DNS_TXT = 11,
    VIR_NETWORK_SECTION_DNS_SRV = 12,
#ifdef VIR_ENUM_SENTINELS
    VIR_NETWORK_SECTION_LAST
#endif
} virNetworkUpdateSection;

typedef enum {
    VIR_NETWORK_UPDATE_AFFECT_CURRENT = 0,
    VIR_NETWORK_UPDATE_AFFECT_LIVE = 1 << 0,
    VIR_NETWORK_UPDATE_AFFECT_CONFIG = 1 << 1,
} virNetworkUpdateFlags;

int virNetworkUpdate(virNetworkPtr network, unsigned int command, unsigned int section,
                     int parentIndex, const char *xml, unsigned int flags);
int virNetworkCreate(virNetworkPtr network);
int virNetworkDestroy(virNetworkPtr network);
char *virNetworkGetXMLDesc(virNetworkPtr network, unsigned int flags);
const char *virNetworkGetName(virNetworkPtr network);
int virNetworkGetUUID(virNetworkPtr network, unsigned char *uuid);
int virNetworkGetUUIDString(virNetworkPtr network, char *buf);
char *virNetworkGetBridgeName(virNetworkPtr network);
int virNetworkGetAutostart(virNetworkPtr network, int *autostart);
int virNetworkSetAutostart(virNetworkPtr network, int autostart);
int virNetworkIsActive(virNetworkPtr net);
int virNetworkIsPersistent(virNetworkPtr net);
virConnectPtr virNetworkGetConnect(virNetworkPtr network);
int virNetworkGetDHCPLeases(virNetworkPtr network, const char *mac, virNetworkDHCPLeasePtr **leases,
                            unsigned int flags);
void virNetworkDHCPLeaseFree(virNetworkDHCPLeasePtr lease);
int virNetworkRef(virNetworkPtr network);
int virNetworkFree(virNetworkPtr network);

/* Network events */
typedef void (*virConnectNetworkEventGenericCallback)(virConnectPtr conn, virNetworkPtr net,
                                                      void *opaque);
typedef void (*virConnectNetworkEventLifecycleCallback)(virConnectPtr conn, virNetworkPtr net,
                                                        int event, int detail, void *opaque);
#define VIR_NETWORK_EVENT_CALLBACK(cb) ((virConnectNetworkEventGenericCallback)(cb))

int virConnectNetworkEventRegisterAny(virConnectPtr conn, virNetworkPtr net, int eventID,
                                      virConnectNetworkEventGenericCallback cb, void *opaque,
                                      virFreeCallback freecb);
int virConnectNetworkEventDeregisterAny(virConnectPtr conn, int callbackID);

#ifdef __cplusplus
}
#endif

#include <libvirt/virterror.h>

#endif /* VIR_LIBVIRT_H */
