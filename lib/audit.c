/*
 * audit.c: one syslog(3) line per change, ident = the tool, naming the
 * user, the file, the key, and the old and new values.  A secret's values
 * are never logged: its line says "changed".
 */
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "fwconf.h"

/* The uid the session logged in as (the audit uid, kept across su and
 * sudo), or -1 when it has none. */
static long
login_uid(void)
{
	char buf[16];
	ssize_t n;
	long uid;
	char *end;
	int fd;

	if ((fd = open("/proc/self/loginuid", O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	uid = strtol(buf, &end, 10);
	/* 4294967295: not set, as for a daemon or a container. */
	if (end == buf || uid < 0 || uid >= 4294967295L)
		return -1;
	return uid;
}

/*
 * uid's name from /etc/passwd, read directly: an appliance's accounts are
 * local, and going through NSS (nsswitch.conf, two tries at nscd's socket,
 * then the same file) cost every change a fifth of what it costs beyond
 * its fsyncs.  A uid not in the file is looked up through NSS.
 */
static const char *
passwd_name(uid_t uid, char *name, size_t size)
{
	char buf[8192], *line, *next, *f[3], *end;
	struct passwd *pw;
	unsigned long v;
	ssize_t n;
	size_t len = 0;
	int fd, i;

	if ((fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC)) != -1) {
		while (len < sizeof(buf) - 1 && (n = read(fd, buf + len,
		    sizeof(buf) - 1 - len)) > 0)
			len += (size_t)n;
		close(fd);
		buf[len] = '\0';
		/* A file larger than the buffer: its last line may be cut,
		 * so it is not looked at. */
		if (len == sizeof(buf) - 1 && (line = strrchr(buf, '\n')))
			line[1] = '\0';
		for (line = buf; *line != '\0'; line = next) {
			if ((next = strchr(line, '\n')) != NULL)
				*next++ = '\0';
			else
				next = line + strlen(line);
			for (i = 0, f[0] = line; i < 2; i++)
				if ((f[i + 1] = strchr(f[i], ':')) != NULL)
					*f[i + 1]++ = '\0';
				else
					break;
			if (i < 2 || *f[0] == '\0' || *f[0] == '+' ||
			    *f[0] == '-' || strlen(f[0]) >= size)
				continue;
			v = strtoul(f[2], &end, 10);
			if (end != f[2] && (*end == ':' || *end == '\0') &&
			    v == uid) {
				strlcpy(name, f[0], size);
				return name;
			}
		}
	}
	if ((pw = getpwuid(uid)) != NULL && strlen(pw->pw_name) < size) {
		strlcpy(name, pw->pw_name, size);
		return name;
	}
	return NULL;
}

/* SUDO_USER first: the admin behind sudo, not root.  Then the name the
 * session logged in as, as getlogin(3) has it, else the user's own. */
const char *
fwconf_user(void)
{
	static char name[256];
	static const char *user;
	const char *u = getenv("SUDO_USER");
	long uid;

	if (u != NULL && *u != '\0')
		return u;
	if (user != NULL)
		return user;
	if ((uid = login_uid()) == -1)
		uid = (long)getuid();
	if ((user = passwd_name((uid_t)uid, name, sizeof(name))) == NULL) {
		snprintf(name, sizeof(name), "uid %ld", uid);
		user = name;
	}
	return user;
}

void
fwconf_audit(const char *file, const char *key, const char *old,
    const char *new, bool secret)
{
	static bool opened;

	if (!opened) {
		openlog(getprogname(), LOG_PID, LOG_USER);
		opened = true;
	}
	if (secret)
		syslog(LOG_NOTICE, "%s: %s: %s: changed", fwconf_user(), file,
		    key);
	else
		syslog(LOG_NOTICE, "%s: %s: %s: '%s' -> '%s'", fwconf_user(),
		    file, key, old != NULL ? old : "(unset)",
		    new != NULL ? new : "(unset)");
}
