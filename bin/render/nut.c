/*
 * nut.c: what mpfw writes for Network UPS Tools (fw-ups render FILE):
 * ups.conf (the driver), upsd.conf and upsd.users (the UPS server),
 * upsmon.conf (the monitor that shuts the firewall down) and nut.conf
 * (the mode, which the init scripts read at boot).
 *
 * Every file names its mode in a comment, so that a change of mode
 * changes every file and every NUT unit acts on it.  A file that has
 * nothing to say in a mode says so in a comment: the unit's control
 * (share/mpfw/nut-ctl) then stops that daemon.
 */
#include <string.h>

#include "render.h"

/*
 * NUT's one quoting syntax (ups.conf(5), upsd.users(5), upsmon.conf(5)):
 * a value in double quotes, in which a backslash escapes the next
 * character.  '#' starts a comment even inside quotes, so it is escaped
 * too.  Values never hold a control character (fwconf(5)).
 */
void
nut_quote(FILE *out, const char *s)
{
	putc('"', out);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\' || *s == '#')
			putc('\\', out);
		putc(*s, out);
	}
	putc('"', out);
}

/* "name value", the value quoted. */
static void
nut_line(FILE *out, const char *indent, const char *name, const char *sep,
    const char *value)
{
	fprintf(out, "%s%s%s", indent, name, sep);
	nut_quote(out, value);
	putc('\n', out);
}

/*
 * The driver's port: a serial port is its device; on a USB socket a USB
 * model is found by its USB ids ("auto"), a serial one is on a
 * USB-serial adapter.
 */
const char *
nut_port(const struct nut_model *m, const char *port)
{
	if (strcmp(port, "ttyS0") == 0)
		return "/dev/ttyS0";
	if (strcmp(port, "ttyS1") == 0)
		return "/dev/ttyS1";
	if (m->usb)
		return "auto";
	return strcmp(port, "usb1") == 0 ? "/dev/ttyUSB1" : "/dev/ttyUSB0";
}

static bool
is_mode(const struct fwconf_settings *s, const char *mode)
{
	return strcmp(render_get(s, "mode"), mode) == 0;
}

static void
head(FILE *out, const struct fwconf_settings *s, const char *file)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "fw-ups render %s", file);
	render_header(out, cmd, "/etc/mpfw/ups");
	fprintf(out, "# mode=%s\n", render_get(s, "mode"));
}

/* A driver option, name=value or a flag's name alone, on its line. */
static void
option_line(FILE *out, const char *word, size_t len)
{
	const char *eq = memchr(word, '=', len);
	char name[256], value[512];

	if (eq == NULL) {
		fprintf(out, "\t%.*s\n", (int)len, word);
		return;
	}
	snprintf(name, sizeof(name), "%.*s", (int)(eq - word), word);
	snprintf(value, sizeof(value), "%.*s", (int)(len - (size_t)(eq - word) -
	    1), eq + 1);
	nut_line(out, "\t", name, " = ", value);
}

/* The driver of the UPS: the model's, with its fixed options and params. */
int
render_nut_ups_conf(const struct fwconf_settings *s, const struct nut_setup *n,
    FILE *out, struct fwconf_err *e)
{
	const struct nut_model *m = n->model;
	const char *p;
	size_t i, len;

	(void)e;
	head(out, s, "ups.conf");
	if (!is_mode(s, "master") || m == NULL) {
		fprintf(out, "# No UPS is attached to this firewall.\n");
		return 0;
	}
	fprintf(out, "[%s]\n", NUT_UPS);
	nut_line(out, "\t", "driver", " = ", m->driver);
	nut_line(out, "\t", "port", " = ", nut_port(m, render_get(s, "port")));
	nut_line(out, "\t", "desc", " = ", m->name);
	for (i = 0; i < m->noptions; i++)
		option_line(out, m->options[i], strlen(m->options[i]));
	for (p = render_get(s, "params"); *p != '\0'; p += len) {
		p += strspn(p, " ");
		if ((len = strcspn(p, " ")) > 0)
			option_line(out, p, len);
	}
	return 0;
}

/*
 * upsd listens on localhost always, for the firewall's own monitor and
 * fw-ups status, and on the internal address when slaves may log in.
 */
int
render_nut_upsd_conf(const struct fwconf_settings *s,
    const struct nut_setup *n, FILE *out, struct fwconf_err *e)
{
	const char *port = render_get(s, "upsd_port");

	(void)e;
	head(out, s, "upsd.conf");
	if (!is_mode(s, "master")) {
		fprintf(out, "# The UPS server does not run in this mode.\n");
		return 0;
	}
	fprintf(out, "LISTEN 127.0.0.1 %s\n", port);
	if (*render_get(s, "slaves") != '\0' && n->lan_ip != NULL &&
	    strcmp(n->lan_ip, "127.0.0.1") != 0)
		fprintf(out, "LISTEN %s %s\n", n->lan_ip, port);
	return 0;
}

/* The administrator, the slaves' account and the firewall's own monitor. */
int
render_nut_upsd_users(const struct fwconf_settings *s,
    const struct nut_setup *n, FILE *out, struct fwconf_err *e)
{
	const char *slave = render_get(s, "slave_user");

	(void)e;
	head(out, s, "upsd.users");
	if (!is_mode(s, "master")) {
		fprintf(out, "# The UPS server does not run in this mode.\n");
		return 0;
	}
	fprintf(out, "[%s]\n", render_get(s, "admin_user"));
	nut_line(out, "\t", "password", " = ", n->admin_password);
	fprintf(out, "\tactions = SET\n\tinstcmds = ALL\n");
	if (*slave != '\0' && n->slave_password != NULL) {
		fprintf(out, "[%s]\n", slave);
		nut_line(out, "\t", "password", " = ", n->slave_password);
		fprintf(out, "\tupsmon secondary\n");
	}
	fprintf(out, "[%s]\n", NUT_MONITOR_USER);
	nut_line(out, "\t", "password", " = ", n->monitor_password);
	fprintf(out, "\tupsmon primary\n");
	return 0;
}

/*
 * The monitor: of the local UPS as its primary, which powers the UPS off
 * at the end of the shutdown (POWERDOWNFLAG), or of the master's as a
 * secondary.  Either shuts the firewall down on low battery.
 */
int
render_nut_upsmon_conf(const struct fwconf_settings *s,
    const struct nut_setup *n, FILE *out, struct fwconf_err *e)
{
	char system[300], flag[4200];

	if (render_root_ok(e) == -1)
		return -1;
	head(out, s, "upsmon.conf");
	if (is_mode(s, "master")) {
		snprintf(system, sizeof(system), "%s@127.0.0.1:%s", NUT_UPS,
		    render_get(s, "upsd_port"));
		fprintf(out, "MONITOR ");
		nut_quote(out, system);
		fprintf(out, " 1 ");
		nut_quote(out, NUT_MONITOR_USER);
		putc(' ', out);
		nut_quote(out, n->monitor_password);
		fprintf(out, " primary\n");
	} else if (is_mode(s, "slave")) {
		fprintf(out, "MONITOR ");
		nut_quote(out, render_get(s, "master"));
		fprintf(out, " 1 ");
		nut_quote(out, render_get(s, "master_user"));
		putc(' ', out);
		nut_quote(out, n->master_password);
		fprintf(out, " secondary\n");
	} else {
		fprintf(out, "# No UPS is monitored in this mode.\n");
		return 0;
	}
	fprintf(out, "MINSUPPLIES 1\n");
	nut_line(out, "", "SHUTDOWNCMD", " ", "/sbin/shutdown -h +0");
	if (is_mode(s, "master")) {
		snprintf(flag, sizeof(flag), "%s/etc/killpower", fwconf_root());
		nut_line(out, "", "POWERDOWNFLAG", " ", flag);
	}
	return 0;
}

/* The mode, for NUT's init scripts and units at boot. */
int
render_nut_conf(const struct fwconf_settings *s, const struct nut_setup *n,
    FILE *out, struct fwconf_err *e)
{
	(void)n;
	(void)e;
	render_header(out, "fw-ups render nut.conf", "/etc/mpfw/ups");
	fprintf(out, "MODE=%s\n", is_mode(s, "master") ? "netserver" :
	    is_mode(s, "slave") ? "netclient" : "none");
	return 0;
}
