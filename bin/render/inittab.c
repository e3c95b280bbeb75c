/*
 * inittab.c: what mpfw writes into /etc/inittab (fw-svc render inittab),
 * the table of sysvinit, the service manager of the appliance: Debian's
 * own inittab, plus, with serial_console, a login getty on that port at
 * 115200 baud.  `telinit q` makes init read it again: a getty whose line
 * is new is started, one whose line went is stopped, the others are left
 * alone.  The format, inittab(5): id:runlevels:action:process, the id
 * the end of the device name (S0 for ttyS0).
 */
#include <string.h>

#include "render.h"

int
render_inittab(const struct fwconf_settings *s, FILE *out,
    struct fwconf_err *e)
{
	const char *port = render_get(s, "serial_console");
	int i;

	if (strcmp(port, "off") != 0 && strncmp(port, "ttyS", 4) != 0)
		return fwconf_fail(e, FWCONF_REFUSED, "serial_console=%s: "
		    "not a serial port", port);
	render_header(out, "fw-svc render inittab", "/etc/mpfw/services");
	fprintf(out, "# The default runlevel.\n"
	    "id:2:initdefault:\n"
	    "\n# Boot-time system configuration/initialization script.\n"
	    "si::sysinit:/etc/init.d/rcS\n"
	    "\n# What to do in single-user mode.\n"
	    "~:S:wait:/sbin/sulogin --force\n"
	    "\n# Runlevel 0 is halt, 1 single-user, 2-5 multi-user, 6 "
	    "reboot.\n");
	for (i = 0; i <= 6; i++)
		fprintf(out, "l%d:%d:wait:/etc/init.d/rc %d\n", i, i, i);
	fprintf(out, "# Normally not reached, but fallthrough in case of "
	    "emergency.\n"
	    "z6:6:respawn:/sbin/sulogin --force\n"
	    "\n# What to do when CTRL-ALT-DEL is pressed.\n"
	    "ca:12345:ctrlaltdel:/sbin/shutdown -t1 -a -r now\n"
	    "\n# What to do when the power fails/returns.\n"
	    "pf::powerwait:/etc/init.d/powerfail start\n"
	    "pn::powerfailnow:/etc/init.d/powerfail now\n"
	    "po::powerokwait:/etc/init.d/powerfail stop\n"
	    "\n# The consoles.\n"
	    "1:2345:respawn:/sbin/getty --noclear 38400 tty1\n");
	for (i = 2; i <= 6; i++)
		fprintf(out, "%d:23:respawn:/sbin/getty 38400 tty%d\n", i, i);
	if (strcmp(port, "off") == 0)
		fprintf(out, "# serial_console=off: no getty on a serial "
		    "port.\n");
	else
		fprintf(out, "\n# serial_console=%s: a login on the serial "
		    "port, no modem control.\n"
		    "S%s:2345:respawn:/sbin/agetty -L 115200 %s vt100\n",
		    port, port + strlen("ttyS"), port);
	return 0;
}
