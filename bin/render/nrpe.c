/*
 * nrpe.c: what mpfw writes into /etc/nagios/nrpe.cfg (fw-svc render
 * nrpe): the Nagios agent listens on lan_ip and nagios_port and answers
 * the monitoring servers of nagios_from only; it runs as nagios, takes
 * no arguments from the network (dont_blame_nrpe=0), and knows only the
 * commands below, whose names fw-svc(1) lists for the monitoring side.
 * The file is all of the agent's configuration: it includes nothing.
 *
 * NRPE runs a command line with /bin/sh; every word we put there is a
 * validated value or a plain path (render_root_ok, render_datadir_ok).
 */
#include <string.h>

#include "render.h"

#define PLUGINS "/usr/lib/nagios/plugins"

/* " -R ROOT" for the tools when they work under a root, else "". */
static void
root_opt(FILE *out)
{
	if (*fwconf_root() != '\0')
		fprintf(out, " -R %s", fwconf_root());
}

static void
command(FILE *out, const char *name, const char *line)
{
	fprintf(out, "command[%s]=%s", name, line);
}

int
render_nrpe_cfg(const struct fwconf_settings *s, FILE *out,
    struct fwconf_err *e)
{
	const char *from = render_get(s, "nagios_from");
	const char *tgpro = render_get(s, "tgpro_ip"), *p;
	const char *dir = fwconf_datadir();
	size_t n;
	int first = 1;

	if (render_root_ok(e) == -1 || render_datadir_ok(e) == -1)
		return -1;
	render_header(out, "fw-svc render nrpe", "/etc/mpfw/services");
	fprintf(out, "log_facility=daemon\n"
	    "debug=0\n"
	    "pid_file=%s/run/nagios/nrpe.pid\n"
	    "server_address=%s\n"
	    "server_port=%s\n"
	    "nrpe_user=nagios\n"
	    "nrpe_group=nagios\n",
	    fwconf_root(), render_get(s, "lan_ip"),
	    render_get(s, "nagios_port"));
	if (*from == '\0')
		fprintf(out, "# nagios_from is empty: nobody but the firewall "
		    "itself.\nallowed_hosts=127.0.0.1\n");
	else {
		fprintf(out, "allowed_hosts=");
		for (p = from; (n = render_word(&p)) > 0; p += n, first = 0)
			fprintf(out, "%s%.*s", first ? "" : ",", (int)n, p);
		fprintf(out, "\n");
	}
	fprintf(out, "dont_blame_nrpe=0\n"
	    "allow_bash_command_substitution=0\n"
	    "command_timeout=60\n"
	    "connection_timeout=300\n"
	    "\n# The commands: their names are in fw-svc(1).\n");

	command(out, "check_load", PLUGINS "/check_load -r -w 2,1.5,1 "
	    "-c 4,3,2\n");
	command(out, "check_disk", PLUGINS "/check_disk -w 20% -c 10% -l "
	    "-X tmpfs -X devtmpfs -X overlay -X squashfs\n");
	command(out, "check_apply", dir);
	fprintf(out, "/check-apply");
	root_opt(out);
	fprintf(out, "\n");
	command(out, "check_ups", "fw-ups");
	root_opt(out);
	fprintf(out, " status -n\n");
	if (render_yes(s, "disk_temp")) {
		command(out, "check_disk_temp", "fw-sensors");
		root_opt(out);
		fprintf(out, " check 'drivetemp-*'\n");
	}
	if (render_yes(s, "disk_smart")) {
		command(out, "check_smart", dir);
		fprintf(out, "/check-smart %s/var/lib/smartmontools/mpfw\n",
		    fwconf_root());
	}
	if (*tgpro != '\0') {
		command(out, "check_tgpro", PLUGINS "/check_ping -H ");
		fprintf(out, "%s -w 500,20%% -c 1000,60%% -p 3\n", tgpro);
	}
	return 0;
}
