/*
 * fw-svc: the running services of the firewall (the manual's "Laufende
 * Dienste"), its name and its networks: ROOT/etc/mpfw/services.
 */
#include <stdio.h>

#include "kv.h"

static const struct kv_tool svc = {
	.schema = "services",
	.units = NULL,
	.render = NULL,
	.check = NULL,
};

int
main(int argc, char *argv[])
{
	return kv_main(&svc, argc, argv);
}
