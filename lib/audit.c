/*
 * audit.c: one syslog(3) line per change, ident = the tool, naming the
 * user, the file, the key, and the old and new values.  A secret's values
 * are never logged: its line says "changed".
 */
#include <pwd.h>
#include <stdlib.h>
#include <syslog.h>
#include <unistd.h>

#include "fwconf.h"

/* SUDO_USER first: the admin behind sudo, not root. */
const char *
fwconf_user(void)
{
	const char *u = getenv("SUDO_USER");
	struct passwd *pw;

	if (u != NULL && *u != '\0')
		return u;
	if ((u = getlogin()) != NULL)
		return u;
	if ((pw = getpwuid(getuid())) != NULL)
		return pw->pw_name;
	return "?";
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
