/*
 * replay.c: run a libFuzzer harness over saved inputs, without libFuzzer,
 * so that any C compiler can replay the corpora in `make check`.
 *
 *	replay-NAME [-v] dir-or-file...
 *
 * Calls LLVMFuzzerTestOneInput once per regular file, in name order within
 * a directory.  -v names each file first.  Exits 0 when every input ran, 3
 * when one could not be read; a harness that finds a broken property
 * aborts, and the file it was running is named on stderr.
 */
#include <dirent.h>
#include <err.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *current, *prog;
static int verbose;

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: %s [-v] dir-or-file...\n", prog);
	exit(2);
}

/* Name the input that killed us, then die of the same signal. */
static void
crashed(int sig)
{
	static const char pre[] = ": crashed on ";

	if (current != NULL) {
		(void)!write(2, prog, strlen(prog));
		(void)!write(2, pre, sizeof(pre) - 1);
		(void)!write(2, current, strlen(current));
		(void)!write(2, "\n", 1);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static int
run_file(const char *path)
{
	FILE *fp;
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, n;
	uint8_t *grown;

	if ((fp = fopen(path, "rb")) == NULL) {
		warn("%s", path);
		return -1;
	}
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 4096;
			if ((grown = realloc(buf, cap)) == NULL)
				err(3, "%s", path);
			buf = grown;
		}
		if ((n = fread(buf + len, 1, cap - len, fp)) == 0)
			break;
		len += n;
	}
	if (ferror(fp)) {
		warn("%s", path);
		fclose(fp);
		free(buf);
		return -1;
	}
	fclose(fp);
	if (verbose)
		fprintf(stderr, "%s: %s\n", prog, path);
	current = path;
	/* An exact-size copy, so ASan sees a read past the end. */
	if ((grown = malloc(len ? len : 1)) == NULL)
		err(3, "%s", path);
	memcpy(grown, buf, len);
	free(buf);
	LLVMFuzzerTestOneInput(grown, len);
	free(grown);
	current = NULL;
	return 0;
}

static int
run_dir(const char *dir)
{
	struct dirent **ents;
	struct stat st;
	char *path;
	int i, n, r = 0;

	if ((n = scandir(dir, &ents, NULL, alphasort)) == -1) {
		warn("%s", dir);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.') {
			if (asprintf(&path, "%s/%s", dir, ents[i]->d_name) == -1)
				err(3, "%s", dir);
			if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
				if (run_file(path) == -1)
					r = -1;
			}
			free(path);
		}
		free(ents[i]);
	}
	free(ents);
	return r;
}

int
main(int argc, char *argv[])
{
	static const int sigs[] = { SIGABRT, SIGILL, SIGSEGV, SIGBUS, SIGFPE };
	struct stat st;
	size_t i;
	int c, r = 0;

	prog = getprogname();
	while ((c = getopt(argc, argv, "v")) != -1)
		switch (c) {
		case 'v':
			verbose = 1;
			break;
		default:
			usage();
		}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		usage();
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], crashed);
	for (; argc > 0; argc--, argv++) {
		if (stat(*argv, &st) == -1) {
			warn("%s", *argv);
			r = 3;
		} else if (S_ISDIR(st.st_mode) ? run_dir(*argv) == -1 :
		    run_file(*argv) == -1)
			r = 3;
	}
	return r;
}
