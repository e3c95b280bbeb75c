/* err.c: fill a struct fwconf_err; the caller prints it. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fwconf.h"

int
fwconf_fail(struct fwconf_err *e, int status, const char *fmt, ...)
{
	va_list ap;

	if (e != NULL) {
		e->status = status;
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* "what: strerror(errno)", status FWCONF_SYSTEM; keeps errno. */
int
fwconf_fail_errno(struct fwconf_err *e, const char *fmt, ...)
{
	va_list ap;
	int saved = errno;
	size_t n;

	if (e != NULL) {
		e->status = FWCONF_SYSTEM;
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
		va_end(ap);
		n = strlen(e->msg);
		snprintf(e->msg + n, sizeof(e->msg) - n, ": %s",
		    strerror(saved));
	}
	errno = saved;
	return -1;
}
