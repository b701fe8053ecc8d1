// SPDX-License-Identifier: Apache-2.0
/*
 * main() for a fuzz target built without libFuzzer: runs the target once on
 * every file named on the command line, or in every directory named, so that
 * make check replays the starting corpora and every input a fuzzer once
 * crashed on (tests/fuzz/regress) with whatever checker the build has
 * (ASan and UBSan, or valgrind). A broken property aborts, as under
 * libFuzzer.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz-common.h"

static unsigned n_run;

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL;
	size_t len = 0, cap = 0, n;

	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return 1;
	}
	do {
		if (len == cap) {
			cap = cap ? 2 * cap : 4096;
			data = realloc(data, cap);
			if (!data)
				abort();
		}
		n = fread(data + len, 1, cap - len, f);
		len += n;
	} while (n);
	fclose(f);
	/* Exactly the file's bytes, as libFuzzer passes them: ASan sees a read past the end. */
	uint8_t *exact = malloc(len ? len : 1);

	if (!exact)
		abort();
	memcpy(exact, data, len);
	free(data);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	n_run++;
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files of @dir in name order: a failure names the same input every run. */
static int run_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;
	int ret = 0;

	if (!d) {
		fprintf(stderr, "%s: %s\n", dir, strerror(errno));
		return 1;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		names = realloc(names, (n + 1) * sizeof(*names));
		if (!names)
			abort();
		if (asprintf(&names[n++], "%s/%s", dir, de->d_name) < 0)
			abort();
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++) {
		ret |= run_file(names[i]);
		free(names[i]);
	}
	free(names);
	return ret;
}

/*
 * Without arguments (as make check runs it): the starting corpus make-seeds
 * wrote for this target, its corpus and its regression inputs, found from the program's
 * name (replay-key: "key") and $top_builddir, $top_srcdir.
 */
static int run_defaults(const char *argv0)
{
	const char *name = strrchr(argv0, '/'), *builddir = getenv("top_builddir"),
		   *srcdir = getenv("top_srcdir");
	char dir[4096];
	int ret = 0;

	name = name ? name + 1 : argv0;
	if (!strncmp(name, "lt-", 3))
		name += 3;
	if (strncmp(name, "replay-", 7) || !builddir || !srcdir) {
		fprintf(stderr, "usage: %s FILE-OR-DIRECTORY...\n", argv0);
		return 2;
	}
	name += 7;
	snprintf(dir, sizeof(dir), "%s/tests/fuzz/seeds/%s", builddir, name);
	ret |= run_dir(dir);
	/* A target no campaign has added to, or nothing has crashed yet, has none. */
	snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/%s", srcdir, name);
	if (!access(dir, F_OK))
		ret |= run_dir(dir);
	snprintf(dir, sizeof(dir), "%s/tests/fuzz/regress/%s", srcdir, name);
	if (!access(dir, F_OK))
		ret |= run_dir(dir);
	return ret;
}

int main(int argc, char **argv)
{
	int ret = 0;

	if (argc < 2) {
		ret = run_defaults(argv[0]);
	} else {
		for (int i = 1; i < argc; i++) {
			struct stat st;

			if (stat(argv[i], &st)) {
				fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
				ret = 1;
			} else {
				ret |= S_ISDIR(st.st_mode) ? run_dir(argv[i]) : run_file(argv[i]);
			}
		}
	}
	printf("%s: %u inputs\n", argv[0], n_run);
	return ret;
}
