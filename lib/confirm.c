/*
 * confirm.c: the state of an fw-apply -c countdown, ROOT/var/lib/mpfw/
 * confirm, one line "DEADLINE GENERATION PID BOOT": the deadline in
 * seconds since the epoch, the generation on trial, the pid of the
 * watcher that rolls it back (0 before it is started) and the kernel's
 * boot id when it was made, so that fw-apply boot tells a reboot.  While it exists every writer
 * is refused, so that the rollback it may come to restores what the
 * engineer last saw working, not a half-made change.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fwconf.h"

/* 0 and the countdown, 1 when none runs, -1 on error. */
int
fwconf_confirm_read(struct fwconf_confirm *c, struct fwconf_err *e)
{
	char path[PATH_MAX], *buf;
	size_t len;
	int r;

	memset(c, 0, sizeof(*c));
	if (fwconf_path(path, sizeof(path), "/var/lib/mpfw/confirm") == -1)
		return fwconf_fail_errno(e, "confirm");
	if ((r = fwconf_read_all(path, &buf, &len, NULL, e)) != 0)
		return r;
	if (sscanf(buf, "%lld %63s %ld %39s", &c->deadline, c->generation,
	    &c->watcher, c->boot) < 2)
		r = fwconf_fail(e, FWCONF_SYSTEM, "%s: not a deadline and a "
		    "generation", path);
	free(buf);
	return r;
}

/* For writers: -1, exit 1, while a countdown runs. */
int
fwconf_confirm_refuse(struct fwconf_err *e)
{
	struct fwconf_confirm c;
	long long left;
	int r;

	if ((r = fwconf_confirm_read(&c, e)) != 0)
		return r == 1 ? 0 : -1;
	left = c.deadline - (long long)time(NULL);
	if (left > 0)
		return fwconf_fail(e, FWCONF_REFUSED, "an apply awaits "
		    "confirmation, %lld seconds left: fw-apply confirm keeps "
		    "it, fw-apply rollback undoes it", left);
	return fwconf_fail(e, FWCONF_REFUSED, "%s was not confirmed in time "
	    "and is not rolled back yet: fw-apply status says why",
	    c.generation);
}
