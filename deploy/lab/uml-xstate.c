/*
 * uml-xstate.so: preloaded into the lab's UML kernel process (linux.uml) so that
 * Debian 12's UML 6.1 runs on hosts whose XSAVE area is larger than the 832 bytes
 * (x87, SSE, AVX) that UML saves per thread: AVX-512 or AMX hosts.
 *
 * UML saves and restores each guest thread's FPU state with
 * ptrace(PTRACE_GETREGSET/PTRACE_SETREGSET, NT_X86_XSTATE) and a buffer of its own
 * size. The host kernel lets GETREGSET truncate, but SETREGSET must pass the whole
 * area, so every restore fails with EFAULT and the node dies at its first process
 * ("userspace - ptrace set fp regs failed, errno = 14").
 *
 * Here both calls go to the host with a full-size area. The part UML does not keep
 * (AVX-512 and later state) is kept in a side table keyed by UML's buffer address,
 * which is fixed per guest thread, so threads that share a host process (one per
 * address space in UML) do not see each other's upper vector registers. When the
 * table has nothing for a buffer, the host process's current upper state is used.
 * When the host's area is not larger than UML's, calls pass through unchanged.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#define AREA_MAX (64 * 1024) /* AMX needs about 11 KiB */
#define SLOTS 4096           /* guest threads remembered; more fall back to the host's state */
#define PROBES 32

static unsigned char area[AREA_MAX] __attribute__((aligned(64)));
static size_t host_size; /* the host's full XSAVE area; 0 until the first XSTATE call */
static size_t uml_size;  /* UML's buffer size; the table holds host_size - uml_size bytes a slot */
static const void *keys[SLOTS];
static unsigned char *tails; /* SLOTS tails, mapped at first use */

typedef long (*ptrace_fn)(enum __ptrace_request, ...);

static long regset(long request, pid_t pid, void *buf, size_t len)
{
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	return syscall(SYS_ptrace, request, pid, (void *)NT_X86_XSTATE, &iov);
}

/* The slot for a buffer address, or -1 when the table is full around it. */
static long slot_of(const void *key, int create)
{
	size_t home = ((uintptr_t)key >> 6) % SLOTS;
	for (size_t i = 0; i < PROBES; i++) {
		size_t s = (home + i) % SLOTS;
		if (keys[s] == key)
			return (long)s;
		if (keys[s] == NULL) {
			if (!create)
				return -1;
			keys[s] = key;
			return (long)s;
		}
	}
	return -1;
}

static int ready(pid_t pid, size_t len)
{
	if (host_size == 0) {
		struct iovec iov = { .iov_base = area, .iov_len = sizeof(area) };
		if (syscall(SYS_ptrace, PTRACE_GETREGSET, pid, (void *)NT_X86_XSTATE, &iov) < 0)
			return 0;
		host_size = iov.iov_len;
	}
	if (len >= host_size)
		return 0;
	if (tails == NULL) {
		void *m = mmap(NULL, (size_t)SLOTS * (host_size - len), PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (m == MAP_FAILED)
			return 0;
		tails = m;
		uml_size = len;
	}
	return len == uml_size;
}

long ptrace(enum __ptrace_request request, ...)
{
	va_list ap;
	va_start(ap, request);
	pid_t pid = va_arg(ap, pid_t);
	void *addr = va_arg(ap, void *);
	void *data = va_arg(ap, void *);
	va_end(ap);

	if ((request == PTRACE_GETREGSET || request == PTRACE_SETREGSET) &&
	    (uintptr_t)addr == NT_X86_XSTATE && data != NULL) {
		struct iovec *iov = data;
		if (ready(pid, iov->iov_len)) {
			size_t tail = host_size - uml_size;
			/* Both directions start from the process's current full state. */
			long r = regset(PTRACE_GETREGSET, pid, area, host_size);
			if (r < 0)
				return r;
			if (request == PTRACE_GETREGSET) {
				memcpy(iov->iov_base, area, uml_size);
				long s = slot_of(iov->iov_base, 1);
				if (s >= 0)
					memcpy(tails + (size_t)s * tail, area + uml_size, tail);
				return 0;
			}
			memcpy(area, iov->iov_base, uml_size);
			long s = slot_of(iov->iov_base, 0);
			if (s >= 0)
				memcpy(area + uml_size, tails + (size_t)s * tail, tail);
			return regset(PTRACE_SETREGSET, pid, area, host_size);
		}
	}

	static ptrace_fn real;
	if (real == NULL)
		real = (ptrace_fn)dlsym(RTLD_NEXT, "ptrace");
	return real(request, pid, addr, data);
}
