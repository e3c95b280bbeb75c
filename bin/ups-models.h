/*
 * ups-models.h: the UPS models fw-ups knows, DATADIR/ups-models: one
 * model a line, "NAME DRIVER CONNECTION [OPTION ...]" (fw-ups(1)).
 */
#ifndef UPS_MODELS_H
#define UPS_MODELS_H

#include "fwconf.h"
#include "render/render.h"

struct ups_models {
	struct nut_model *v;
	size_t	 n;
};

int	 ups_models_load(struct ups_models *, struct fwconf_err *);
int	 ups_models_parse(struct ups_models *, const char *text,
	    const char *origin, struct fwconf_err *);
const struct nut_model *ups_model_find(const struct ups_models *,
	    const char *name);
void	 ups_models_free(struct ups_models *);
/* A driver option's name: letters, digits, '_' and '.'. */
bool	 ups_option_name_ok(const char *, size_t len);

#endif
