/*
 * modules-load.c: what mpfw writes into /etc/modules-load.d/mpfw-sensors.conf
 * (fw-sensors render): the kernel modules of the sensor chips, which
 * Debian's kmod init script and systemd-modules-load both load at boot.
 * The format of modules-load.d(5): one module name a line, '#' or ';'
 * comments.  fw-sensors checked every name first: letters, digits, '_'
 * and '-', nothing that could make a second word or a second line.
 */
#include "render.h"

void
render_modules_load(const struct fwconf_table *t, FILE *out)
{
	size_t i;

	render_header(out, "fw-sensors render", "/etc/mpfw/sensors");
	for (i = 0; i < t->nrecs; i++)
		if (!t->recs[i].deleted)
			fprintf(out, "%s\n", t->recs[i].name);
}
