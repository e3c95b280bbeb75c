/*
 * table.c: fuzz the table files of fw-dns, fwconf_table_parse and the
 * changes made to a table (lib/table.c), on arbitrary bytes.
 *
 * It must not crash, overrun or leak.  A table it reads is sorted by name,
 * each name once, and finds each of its names.  Its text parses again to
 * the same records, and is the same when written twice.  An insert, a
 * delete and a merge built from the input keep it sorted and findable.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwconf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void __attribute__((noreturn))
broken(const char *what, const char *name)
{
	fprintf(stderr, "fuzz table: %s: %s\n", what, name ? name : "-");
	abort();
}

/* Sorted, unique, every live name found where it is. */
static void
check_order(const struct fwconf_table *t)
{
	size_t i;

	for (i = 0; i < t->nrecs; i++) {
		if (i > 0 && strcmp(t->recs[i - 1].name, t->recs[i].name) >= 0)
			broken("out of order or twice", t->recs[i].name);
		if (!t->recs[i].deleted &&
		    fwconf_table_find(t, t->recs[i].name) != (ssize_t)i)
			broken("a record is not found", t->recs[i].name);
	}
}

static void
parse(struct fwconf_table *t, const char *buf, size_t len,
    struct fwconf_err *e, int *r)
{
	memset(t, 0, sizeof(*t));
	t->path = strdup("fuzz");
	*r = fwconf_table_parse(t, buf, len, e);
}

static void
round_trip(const struct fwconf_table *t)
{
	struct fwconf_table again;
	struct fwconf_err e;
	char *text, *text2;
	size_t len, len2, i, j;
	int r;

	if ((text = fwconf_table_text(t, &len)) == NULL)
		return;
	parse(&again, text, len, &e, &r);
	if (r != 0)
		broken("its own text does not parse", e.msg);
	/* The live records, in order, and no others. */
	for (i = j = 0; i < t->nrecs; i++) {
		if (t->recs[i].deleted)
			continue;
		if (j == again.nrecs ||
		    strcmp(again.recs[j].name, t->recs[i].name) != 0 ||
		    strcmp(again.recs[j].value, t->recs[i].value) != 0)
			broken("a record changed on the way", t->recs[i].name);
		j++;
	}
	if (j != again.nrecs)
		broken("its own text has more records", NULL);
	if ((text2 = fwconf_table_text(&again, &len2)) != NULL &&
	    (len2 != len || memcmp(text, text2, len) != 0))
		broken("written twice, it differs", NULL);
	free(text2);
	free(text);
	fwconf_table_free(&again);
}

/*
 * An insert, a delete, and a merge giving every other name an empty value
 * (with replace, when the input says so): each name merged is then found
 * with its new value.
 */
static void
change(struct fwconf_table *t, const uint8_t *data, size_t size)
{
	struct fwconf_record *in;
	char name[16], **names;
	size_t i, n = 0;
	ssize_t at;

	snprintf(name, sizeof(name), "n%02x", size ? data[0] : 0);
	if (fwconf_table_find(t, name) == -1 &&
	    fwconf_table_insert(t, name, "10.0.0.1") == 0 &&
	    fwconf_table_find(t, name) == -1)
		broken("an inserted record is not found", name);
	check_order(t);
	if (t->nrecs > 0) {
		fwconf_table_delete(t, 0);
		if (fwconf_table_find(t, t->recs[0].name) != -1)
			broken("a deleted record is found", t->recs[0].name);
	}
	in = calloc(t->nrecs + 1, sizeof(*in));
	names = calloc(t->nrecs + 1, sizeof(*names));
	for (i = 0; in != NULL && names != NULL && i < t->nrecs; i += 2) {
		in[n].name = strdup(t->recs[i].name);
		in[n].value = strdup("");
		names[n] = strdup(t->recs[i].name);
		n++;
	}
	if (in != NULL && names != NULL &&
	    fwconf_table_merge(t, in, n, size > 1 && (data[1] & 1), NULL,
	    NULL) == 0) {
		check_order(t);
		for (i = 0; i < n; i++)
			if ((at = fwconf_table_find(t, names[i])) == -1 ||
			    t->recs[at].value[0] != '\0')
				broken("a merged name lost its value", names[i]);
	}
	for (i = 0; names != NULL && i < n; i++)
		free(names[i]);
	free(names);
	free(in);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fwconf_table t;
	struct fwconf_err e;
	int r;

	memset(&e, 0, sizeof(e));
	parse(&t, (const char *)data, size, &e, &r);
	if (r == 0) {
		check_order(&t);
		round_trip(&t);
		change(&t, data, size);
		round_trip(&t);
	} else if (e.msg[0] == '\0')
		broken("refused without a message", NULL);
	fwconf_table_free(&t);
	return 0;
}
