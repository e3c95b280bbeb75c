/*
 * nrpe.c: what mpfw writes into /etc/nagios/nrpe.cfg (fw-svc render
 * nrpe): the Nagios agent listens on lan_ip and nagios_port and answers
 * the monitoring servers of nagios_from only; it runs as nagios, takes
 * no arguments from the network (dont_blame_nrpe=0), and knows only the
 * commands below, whose names fw-svc(1) lists for the monitoring side.
 * The file is all of the agent's configuration: it includes nothing.
 *
 * fw-apply status reads the state of fw-apply, which only root may:
 * check_apply runs it through sudo, which the second file, a sudoers
 * drop-in (fw-svc render nrpe-sudoers), allows nagios for exactly that
 * command line and no other.
 *
 * NRPE runs a command line with /bin/sh, with a PATH of its own: the
 * tools and scripts are named by their full paths, and every word we put
 * there is a validated value or a plain path (render_root_ok,
 * render_datadir_ok, render_bindir).
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

/*
 * Whether fw-ups has a UPS to ask (mode master or slave): only then has
 * the agent check_ups.  fw-ups's settings are an input of the unit.
 */
static int
ups_on(bool *on, struct fwconf_err *e)
{
	const struct fwconf_schema *schema = fwconf_schema_builtin("ups");
	const struct fwconf_key *k;
	struct fwconf_settings u;

	*on = false;
	if (schema == NULL || (k = fwconf_key_find(schema, "mode")) == NULL)
		return 0;
	if (fwconf_settings_open(&u, schema, e) == -1)
		return -1;
	if (fwconf_settings_invalid(&u, k) != NULL) {
		fwconf_fail(e, FWCONF_REFUSED, "%s",
		    fwconf_settings_invalid(&u, k));
		fwconf_settings_close(&u);
		return -1;
	}
	*on = strcmp(fwconf_settings_get(&u, k), "none") != 0;
	fwconf_settings_close(&u);
	return 0;
}

int
render_nrpe_cfg(const struct fwconf_settings *s, FILE *out,
    struct fwconf_err *e)
{
	const char *from = render_get(s, "nagios_from");
	const char *tgpro = render_get(s, "tgpro_ip"), *p, *w;
	const char *dir = fwconf_datadir(), *bin;
	size_t n;
	int first = 1;
	bool ups;

	if (render_root_ok(e) == -1 || render_datadir_ok(e) == -1 ||
	    (bin = render_bindir(e)) == NULL || ups_on(&ups, e) == -1)
		return -1;
	render_header(out, "fw-svc render nrpe",
	    "/etc/mpfw/services and /etc/mpfw/ups");
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
		for (p = from; (w = render_word(&p, &n)) != NULL; first = 0)
			fprintf(out, "%s%.*s", first ? "" : ",", (int)n, w);
		fprintf(out, "\n");
	}
	fprintf(out, "dont_blame_nrpe=0\n"
	    "allow_bash_command_substitution=0\n"
	    "command_timeout=60\n"
	    "connection_timeout=300\n"
	    "\n# The commands: their names are in fw-svc(1).\n");

	fprintf(out, "command[check_load]=" PLUGINS "/check_load -r "
	    "-w 2,1.5,1 -c 4,3,2\n");
	fprintf(out, "command[check_disk]=" PLUGINS "/check_disk -w 20%% "
	    "-c 10%% -l -X tmpfs -X devtmpfs -X overlay -X squashfs\n");
	fprintf(out, "command[check_apply]=/usr/bin/sudo -n %s/check-apply "
	    "%s/fw-apply", dir, bin);
	root_opt(out);
	fprintf(out, "\n");
	if (ups) {
		fprintf(out, "command[check_ups]=%s/fw-ups", bin);
		root_opt(out);
		fprintf(out, " status -n\n");
	}
	if (render_yes(s, "disk_temp")) {
		fprintf(out, "command[check_disk_temp]=%s/fw-sensors", bin);
		root_opt(out);
		fprintf(out, " check 'drivetemp-*'\n");
	}
	if (render_yes(s, "disk_smart"))
		fprintf(out, "command[check_smart]=%s/check-smart "
		    "%s/var/lib/smartmontools/mpfw\n", dir, fwconf_root());
	if (*tgpro != '\0')
		fprintf(out, "command[check_tgpro]=" PLUGINS "/check_ping -H %s "
		    "-w 500,20%% -c 1000,60%% -p 3\n", tgpro);
	return 0;
}

/* sudoers(5): in a command's arguments \ , : = and space are escaped. */
static void
put_sudoers(FILE *out, const char *v)
{
	for (; *v != '\0'; v++) {
		if (strchr("\\,:= ", *v) != NULL)
			putc('\\', out);
		putc(*v, out);
	}
}

int
render_nrpe_sudoers(const struct fwconf_settings *s, FILE *out,
    struct fwconf_err *e)
{
	const char *bin;

	(void)s;
	if (render_root_ok(e) == -1 || render_datadir_ok(e) == -1 ||
	    (bin = render_bindir(e)) == NULL)
		return -1;
	render_header(out, "fw-svc render nrpe-sudoers", "/etc/mpfw/services");
	fprintf(out, "# check_apply of the Nagios agent: fw-apply status, "
	    "this command line only.\nnagios ALL=(root) NOPASSWD: ");
	put_sudoers(out, fwconf_datadir());
	fprintf(out, "/check-apply ");
	put_sudoers(out, bin);
	fprintf(out, "/fw-apply");
	if (*fwconf_root() != '\0') {
		fprintf(out, " -R ");
		put_sudoers(out, fwconf_root());
	}
	fprintf(out, "\n");
	return 0;
}
