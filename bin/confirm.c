/* confirm.c: the -c countdown of fw-apply; see confirm.h. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "confirm.h"
#include "state.h"
#include "util.h"

static int
write_line(const char *name, const char *line, struct fwconf_err *e)
{
	char path[PATH_MAX];

	if (state_dir(path, sizeof(path), name) == -1)
		return fwconf_fail(e, FWCONF_SYSTEM, "state: path too long");
	return fwconf_write_atomic(path, line, strlen(line), 0600, (uid_t)-1,
	    (gid_t)-1, e);
}

/* Written before the generation is committed: no -c apply is ever live
 * without its countdown, whatever kills fw-apply. */
/* The kernel's id of this boot, or "-". */
const char *
boot_id(void)
{
	static char id[40];
	FILE *fp;

	if (id[0] != '\0')
		return id;
	/* FW_BOOT_ID: a test's reboot, without rebooting. */
	if (getenv("FW_BOOT_ID") != NULL && *getenv("FW_BOOT_ID") != '\0') {
		strlcpy(id, getenv("FW_BOOT_ID"), sizeof(id));
		return id;
	}
	strlcpy(id, "-", sizeof(id));
	if ((fp = fopen("/proc/sys/kernel/random/boot_id", "re")) != NULL) {
		if (fgets(id, sizeof(id), fp) == NULL)
			strlcpy(id, "-", sizeof(id));
		id[strcspn(id, "\n")] = '\0';
		fclose(fp);
	}
	return id;
}

int
confirm_write(long secs, long gen, pid_t watcher, struct fwconf_err *e)
{
	char line[160];

	snprintf(line, sizeof(line), "%lld gen.%ld %ld %s\n",
	    (long long)time(NULL) + secs, gen, (long)watcher, boot_id());
	return write_line("confirm", line, e);
}

int
confirm_set_watcher(pid_t pid, struct fwconf_err *e)
{
	struct fwconf_confirm c;
	char line[128];
	int r;

	if ((r = fwconf_confirm_read(&c, e)) != 0)
		return r == 1 ? 0 : -1;
	snprintf(line, sizeof(line), "%lld %s %ld %s\n", c.deadline,
	    c.generation, (long)pid, c.boot[0] ? c.boot : boot_id());
	return write_line("confirm", line, e);
}

void
confirm_remove(void)
{
	char path[PATH_MAX];

	if (state_dir(path, sizeof(path), "confirm") == 0)
		fwconf_unlink(path);
}

/* The watcher runs apart, as the same program: fw-apply watch GEN. */
pid_t
confirm_spawn_watcher(long gen)
{
	char name[32];
	pid_t pid;

	snprintf(name, sizeof(name), "gen.%ld", gen);
	fflush(NULL);
	if ((pid = fork()) == -1)
		return -1;
	if (pid > 0)
		return pid;
	setsid();
	execl("/proc/self/exe", "fw-apply", "-R", *fwconf_root() ?
	    fwconf_root() : "/", "watch", name, (char *)NULL);
	_exit(127);
}

/*
 * The note status shows until the next apply or rollback, its line as
 * status prints it: "rolledback TAB gen.N TAB TIME TAB not confirmed [TAB
 * what was kept]", or, when the rollback failed and the apply stays live,
 * "unconfirmed TAB gen.N TAB TIME TAB rollback failed".
 */
int
unconfirmed_note(long gen, bool rolled_back, const char *kept,
    struct fwconf_err *e)
{
	char line[PATH_MAX + 256], when[32];
	time_t t = time(NULL);

	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	if (rolled_back)
		snprintf(line, sizeof(line), "rolledback\tgen.%ld\t%s\tnot "
		    "confirmed%s%s\n", gen, when, *kept ? "\t" : "", kept);
	else
		snprintf(line, sizeof(line), "unconfirmed\tgen.%ld\t%s\t"
		    "rollback failed\n", gen, when);
	return write_line("unconfirmed", line, e);
}

void
unconfirmed_clear(void)
{
	char path[PATH_MAX];

	if (state_dir(path, sizeof(path), "unconfirmed") == 0)
		fwconf_unlink(path);
}

char *
unconfirmed_read(void)
{
	char path[PATH_MAX], *buf;
	struct fwconf_err e;
	size_t len;

	if (state_dir(path, sizeof(path), "unconfirmed") == -1 ||
	    fwconf_read_all(path, &buf, &len, NULL, &e) != 0)
		return NULL;
	buf[strcspn(buf, "\n")] = '\0';
	/* A note of an older fw-apply: "gen.N ...", of a rollback. */
	if (strncmp(buf, "gen.", 4) == 0) {
		char *old = buf;

		if (asprintf(&buf, "rolledback\t%s", old) == -1)
			buf = NULL;
		free(old);
	}
	return buf;
}
