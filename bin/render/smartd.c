/*
 * smartd.c: what mpfw writes into /etc/smartd.conf (fw-svc render
 * smartd), for disk_smart.  DEVICESCAN: smartd watches every disk that
 * supports SMART and skips, without an error, one that does not; -d
 * removable: a disk that is gone is no error either.  -a: the health
 * verdict, the attributes and the error and self-test logs; a short
 * self-test every night at 2, a long one on Saturdays at 3; a disk
 * asleep is not woken for a check (-n standby).  With disk_temp, -W
 * reports the temperature above disk_temp_warn (syslog) and
 * disk_temp_crit (syslog and mail).
 *
 * Every problem is mailed to root (-m) and handed to smart-report
 * (-M exec), which keeps it for the Nagios agent's check_smart and then
 * runs Debian's smartd-runner, the mail; -M daily repeats it each day
 * while it lasts, so the agent's report of it stays fresh.
 */
#include "render.h"

int
render_smartd_conf(const struct fwconf_settings *s, FILE *out,
    struct fwconf_err *e)
{
	if (render_datadir_ok(e) == -1)
		return -1;
	render_header(out, "fw-svc render smartd", "/etc/mpfw/services");
	fprintf(out, "DEVICESCAN -d removable -a -n standby,q "
	    "-s (S/../.././02|L/../../6/03)");
	if (render_yes(s, "disk_temp"))
		fprintf(out, " -W 0,%s,%s", render_get(s, "disk_temp_warn"),
		    render_get(s, "disk_temp_crit"));
	fprintf(out, " -m root -M daily -M exec %s/smart-report\n",
	    fwconf_datadir());
	return 0;
}

/*
 * /etc/default/smartmontools (fw-svc render smartd-default), the options
 * Debian's init script gives smartd: -q nodev0, a machine without any
 * disk that supports SMART (a virtual one) is no error: smartd then
 * exits 0 at start instead of 17, and watches nothing.
 */
int
render_smartd_default(const struct fwconf_settings *s, FILE *out,
    struct fwconf_err *e)
{
	(void)s;
	(void)e;
	render_header(out, "fw-svc render smartd-default",
	    "/etc/mpfw/services");
	fprintf(out, "smartd_opts='-q nodev0 --interval=1800'\n");
	return 0;
}
