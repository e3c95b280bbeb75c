/*
 * cron.c: what mpfw writes for cron: the daily update check of fw-maint
 * (fw-maint render cron), a file of /etc/cron.d.
 */
#include <stdlib.h>

#include "render.h"

/* In a cron command a % ends the command; \% is a percent sign. */
static void
cron_word(FILE *out, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '%')
			fputc('\\', out);
		fputc(*s, out);
	}
}

/*
 * update_time is HH:MM (checked by fw-maint).  fw-maint check -l says
 * the outcome in syslog itself; cron would mail the output, so there is
 * none.  The PATH has both places fw-maint may be installed.
 */
int
render_cron_update(const struct fwconf_settings *s, FILE *out,
    struct fwconf_err *e)
{
	const char *t = render_get(s, "update_time");
	char *end;
	long hh, mm;

	if (render_root_ok(e) == -1)
		return -1;
	hh = strtol(t, &end, 10);
	if (*end != ':' || hh < 0 || hh > 23)
		return fwconf_fail(e, FWCONF_REFUSED, "update_time=%s: must "
		    "be HH:MM", t);
	mm = strtol(end + 1, &end, 10);
	if (*end != '\0' || mm < 0 || mm > 59)
		return fwconf_fail(e, FWCONF_REFUSED, "update_time=%s: must "
		    "be HH:MM", t);
	render_header(out, "fw-maint render cron", "/etc/mpfw/maint");
	if (!render_yes(s, "update")) {
		fprintf(out, "# update=no: no daily update check.\n");
		return 0;
	}
	fprintf(out, "SHELL=/bin/sh\n"
	    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n"
	    "# The daily update check; its outcome goes to syslog.\n"
	    "%ld %ld * * * root fw-maint", mm, hh);
	if (*fwconf_root() != '\0') {
		fputs(" -R ", out);
		cron_word(out, fwconf_root());
	}
	fputs(" check -l >/dev/null 2>&1\n", out);
	return 0;
}
