/* xen-rs/errno.h: Xen's public/errno.h, as xen-rs implements it (x86-64). */
/* Generated from the xen-public registry by xen-public/examples/gen_headers.rs; do not edit (run ./x headers). */
#ifndef XEN_RS_ERRNO_H
#define XEN_RS_ERRNO_H

#include "abi-types.h"

/** Operation not permitted. */
#define XEN_EPERM 1
/** No such file or directory (no such object). */
#define XEN_ENOENT 2
/** No such process (no such domain). */
#define XEN_ESRCH 3
/** Interrupted call; internal to the hypervisor, never returned to a guest. */
#define XEN_EINTR 4
/** I/O error. */
#define XEN_EIO 5
/** No such device or address. */
#define XEN_ENXIO 6
/** Argument list too long. */
#define XEN_E2BIG 7
/** Exec format error. */
#define XEN_ENOEXEC 8
/** Bad file number. */
#define XEN_EBADF 9
/** No child processes. */
#define XEN_ECHILD 10
/** Try again. */
#define XEN_EAGAIN 11
/** Operation would block (same value as `XEN_EAGAIN`). */
#define XEN_EWOULDBLOCK 11
/** Out of memory. */
#define XEN_ENOMEM 12
/** Permission denied. */
#define XEN_EACCES 13
/** Bad address (a guest handle could not be copied through). */
#define XEN_EFAULT 14
/** Device or resource busy. */
#define XEN_EBUSY 16
/** Already exists. */
#define XEN_EEXIST 17
/** Cross-device link. */
#define XEN_EXDEV 18
/** No such device. */
#define XEN_ENODEV 19
/** Not a directory. */
#define XEN_ENOTDIR 20
/** Is a directory. */
#define XEN_EISDIR 21
/** Invalid argument. */
#define XEN_EINVAL 22
/** File table overflow. */
#define XEN_ENFILE 23
/** Too many open files. */
#define XEN_EMFILE 24
/** No space left. */
#define XEN_ENOSPC 28
/** Read-only file system. */
#define XEN_EROFS 30
/** Too many links. */
#define XEN_EMLINK 31
/** Argument out of domain. */
#define XEN_EDOM 33
/** Result out of range. */
#define XEN_ERANGE 34
/** Resource deadlock would occur. */
#define XEN_EDEADLK 35
/** Resource deadlock would occur (same value as `XEN_EDEADLK`). */
#define XEN_EDEADLOCK 35
/** Name too long. */
#define XEN_ENAMETOOLONG 36
/** No locks available. */
#define XEN_ENOLCK 37
/** Function not implemented (unknown hypercall or subop). */
#define XEN_ENOSYS 38
/** Not empty. */
#define XEN_ENOTEMPTY 39
/** No data available. */
#define XEN_ENODATA 61
/** Timer expired. */
#define XEN_ETIME 62
/** Not a data message. */
#define XEN_EBADMSG 74
/** Value too large for its type. */
#define XEN_EOVERFLOW 75
/** Illegal byte sequence. */
#define XEN_EILSEQ 84
/** Restart the call (continuation); internal to the hypervisor, never returned to a guest. */
#define XEN_ERESTART 85
/** Not a socket. */
#define XEN_ENOTSOCK 88
/** Message too large. */
#define XEN_EMSGSIZE 90
/** Operation not supported. */
#define XEN_EOPNOTSUPP 95
/** Address already in use. */
#define XEN_EADDRINUSE 98
/** Cannot assign requested address. */
#define XEN_EADDRNOTAVAIL 99
/** No buffer space available. */
#define XEN_ENOBUFS 105
/** Already connected. */
#define XEN_EISCONN 106
/** Not connected. */
#define XEN_ENOTCONN 107
/** Timed out. */
#define XEN_ETIMEDOUT 110
/** Connection refused. */
#define XEN_ECONNREFUSED 111

#endif /* XEN_RS_ERRNO_H */
