/*
 * tui.c — cgtop's interactive screen: a top-like ncurses view of the
 * cgroup tree, its usage against its limits, sortable, filterable, as a
 * tree or flat. This file is its loop and its hold on the terminal; what is
 * shown is tui_model.c's, how it is drawn tui_draw.c's, what a key does
 * tui_keys.c's.
 *
 * The one idea: what is on the screen is a function of the last sample and
 * the model. A key changes only the model and the screen is redrawn at once
 * from the sample already taken; only the loop samples, in one place
 * (sample_when_due): when the timer is due, when space or Enter asked for a
 * sample, or with a new monitor when + asks for a level the monitor does
 * not read. While a process list is open, each sample reads that one
 * cgroup's processes, and no other's.
 * One poll(2) waits for the timer, the keys and a self-pipe that SIGINT,
 * SIGTERM and SIGHUP write to, so every way out passes through the one
 * teardown (terminal_close) and the terminal is left as it was found.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NCURSES_WIDECHAR 1
#include <curses.h>

#include "tui.h"
#include "tui_draw.h"
#include "tui_model.h"
#include "nstk/store.h"
#include "nstk/util.h"

#include "../tool.h"

struct tui {
	const struct cgtop_options *o;
	struct tui_model model;
	struct tui_look look;
	struct nstk_cg_monitor *mon; /* ours: it reads what the model shows */
	int mon_depth;		     /* the levels it reads below the top; < 0: all */
	long samples;
	struct timespec next; /* CLOCK_MONOTONIC of the next sample */
	/* Looking back (--at): a recorded moment instead of the monitor, until L. */
	struct nstk_store *store;
	struct nstk_store_replay *replay;
	struct nstk_store_replay *trend; /* a second cursor: the samples before the moment, for the trends */
};

/* The live trends: one more sample remembered. */
static int remember_live(struct tui *t)
{
	struct nstk_cg_frame f;
	nstk_cg_monitor_frame(t->mon, &f);
	return tui_model_remember(&t->model, f.rows, f.n);
}

/*
 * The recorded trends: the TUI_TREND samples up to the moment shown, read
 * with a cursor of their own, so moving in time redraws them from the store.
 */
static int remember_recorded(struct tui *t)
{
	struct nstk_cg_frame now, f;
	nstk_store_replay_frame(t->replay, &now);
	int64_t at = nstk_store_replay_time(t->replay);
	double step = isnan(now.interval) || now.interval <= 0 ? CGTOP_RECORD_DELAY_S : now.interval;
	int r = 0;
	if (!t->trend) {
		/* Every depth: the model applies its own, which keys change. */
		struct nstk_cg_monitor_options filter = cgtop_tree_options(t->o, -1);
		r = nstk_store_replay_new(t->store, &filter, &t->trend);
	}
	tui_model_forget(&t->model);
	if (r == 0)
		r = nstk_store_replay_seek(t->trend, at - (int64_t)(step * 1e6 * (TUI_TREND - 1)) - 1);
	while (r == 0) {
		nstk_store_replay_frame(t->trend, &f);
		if (nstk_store_replay_time(t->trend) > at)
			break;
		if ((r = tui_model_remember(&t->model, f.rows, f.n)) < 0 || nstk_store_replay_time(t->trend) >= at)
			break;
		r = nstk_store_replay_step(t->trend, +1);
	}
	return r == -ERANGE ? 0 : r;
}

/* What is on the screen: the recorded moment, or the monitor's last sample. */
static void current_frame(const struct tui *t, struct nstk_cg_frame *f)
{
	if (t->replay)
		nstk_store_replay_frame(t->replay, f);
	else
		nstk_cg_monitor_frame(t->mon, f);
}

/* The store, a cursor at the last sample at or before t_us, and the trends up to it. */
static int open_store_at(struct tui *t, int64_t t_us)
{
	struct nstk_cg_monitor_options filter = cgtop_tree_options(t->o, -1);
	int r = nstk_store_open(t->o->store, NSTK_STORE_READ, &t->store);
	if (r == 0)
		r = nstk_store_replay_new(t->store, &filter, &t->replay);
	if (r == 0)
		r = nstk_store_replay_seek(t->replay, t_us);
	if (r == 0)
		r = remember_recorded(t);
	return r;
}

/* The store at the moment --at names. 0, or -errno (the store's, said by the caller). */
static int open_replay(struct tui *t)
{
	int r = open_store_at(t, t->o->at_s * 1000000);
	t->model.recorded = r == 0;
	return r;
}

/*
 * Live with --store: the trend columns start with the recorder's last
 * samples, so the pictures have a past from the first screen on; then
 * they go on from memory. A store that cannot be read is said, not fatal.
 */
static int live_trends_from_store(struct tui *t)
{
	if (!t->o->store)
		return 0;
	int r = open_store_at(t, INT64_MAX);
	if (r < 0)
		snprintf(t->model.message, sizeof(t->model.message), "trends from %s: %s", t->o->store,
			 r == -ENOENT ? "no store, or no sample in it" : strerror(-r));
	/* The recorded cursors go; the trends they filled stay. */
	nstk_store_replay_free(t->trend);
	nstk_store_replay_free(t->replay);
	nstk_store_close(t->store);
	t->trend = t->replay = NULL;
	t->store = NULL;
	return 0;
}

static void close_replay(struct tui *t)
{
	nstk_store_replay_free(t->trend);
	t->trend = NULL;
	tui_model_forget(&t->model);
	nstk_store_replay_free(t->replay);
	nstk_store_close(t->store);
	t->replay = NULL;
	t->store = NULL;
	t->model.recorded = false;
}

/*
 * The time keys: one sample on or back, or a jump in seconds (to the last
 * sample at or before the new time; forward, the first after). At either
 * end the moment stays, and the bottom line says so.
 */
static int move_in_time(struct tui *t)
{
	struct tui_model *m = &t->model;
	int r = 0;
	if (m->time_samples) {
		r = nstk_store_replay_step(t->replay, m->time_samples);
	} else if (m->time_jump) {
		int64_t was = nstk_store_replay_time(t->replay), to = was + m->time_jump * 1000000;
		r = nstk_store_replay_seek(t->replay, to);
		if (r == 0 && m->time_jump > 0 && nstk_store_replay_time(t->replay) <= was)
			r = nstk_store_replay_step(t->replay, +1);
		else if (r == 0 && m->time_jump < 0 && nstk_store_replay_time(t->replay) >= was)
			r = -ERANGE;
	}
	if (r == -ERANGE)
		snprintf(m->message, sizeof(m->message), "no recorded sample %s", 
			 m->time_samples < 0 || m->time_jump < 0 ? "before this one" : "after this one");
	m->time_samples = 0;
	m->time_jump = 0;
	if (r == 0)
		r = remember_recorded(t);
	return r == -ERANGE ? 0 : r;
}

/* ---- signals ---- */

static volatile sig_atomic_t quit_signal;
static int wake_fd = -1;
/* ncurses's own SIGWINCH handler, which makes the next get_wch() return KEY_RESIZE. */
static struct sigaction curses_winch;
static const int quit_signals[3] = { SIGINT, SIGTERM, SIGHUP };

static void wake(void)
{
	int saved = errno;
	if (wake_fd >= 0 && write(wake_fd, "", 1) < 0) {
		/* Full: a wake-up is already pending. */
	}
	errno = saved;
}

static void on_quit_signal(int sig)
{
	quit_signal = sig;
	wake();
}

static void on_winch(int sig, siginfo_t *info, void *context)
{
	if (curses_winch.sa_flags & SA_SIGINFO)
		curses_winch.sa_sigaction(sig, info, context);
	else if (curses_winch.sa_handler != SIG_DFL && curses_winch.sa_handler != SIG_IGN)
		curses_winch.sa_handler(sig);
	wake();
}

/* ---- time ---- */

static double since(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* ---- sampling ---- */

/* Sample m, reading the processes of the open list's cgroup, if any. */
static int sample_monitor(struct tui *t, struct nstk_cg_monitor *m)
{
	int r = nstk_cg_monitor_watch_procs(m, tui_model_procs_wanted(&t->model));
	return r < 0 ? r : nstk_cg_monitor_sample(m);
}

/* Open a monitor of the options' tree reading depth levels, and take its first sample. */
static int open_monitor(struct tui *t, int depth)
{
	struct nstk_cg_monitor *m;
	int r = cgtop_monitor_open(t->o, depth, tui_model_reads(&t->model), &m);
	if (r < 0)
		return r;
	if ((r = sample_monitor(t, m)) < 0) {
		nstk_cg_monitor_free(m);
		return r;
	}
	nstk_cg_monitor_free(t->mon);
	t->mon = m;
	t->mon_depth = depth;
	t->samples++;
	if ((r = remember_live(t)) < 0)
		return r;
	clock_gettime(CLOCK_MONOTONIC, &t->next);
	cgtop_deadline_add(&t->next, t->o->delay_s);
	return 0;
}

/* Sample now: on time (the next one a delay after this one was due) or early, at a key. */
static int sample(struct tui *t, bool early)
{
	int r = sample_monitor(t, t->mon);
	if (r < 0 || (r = remember_live(t)) < 0)
		return r;
	t->samples++;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	cgtop_deadline_add(&t->next, t->o->delay_s);
	if (early || since(&t->next, &now) > 0) {
		/* Late (the machine was suspended, or sampling is slow): count from now. */
		t->next = now;
		cgtop_deadline_add(&t->next, t->o->delay_s);
	}
	return 0;
}

/*
 * The one place the screen samples. Returns 1 when -n N samples have been
 * shown, 0 to go on (*changed says whether there is a new sample or a
 * message to draw), or -errno when the tree cannot be read.
 */
static int sample_when_due(struct tui *t, bool *changed)
{
	struct tui_model *m = &t->model;
	int r;

	*changed = false;
	if (t->replay && m->go_live) {
		/* L: the recorded moment goes, the monitor comes (its first sample has no rates). */
		close_replay(t);
		m->go_live = false;
		if ((r = open_monitor(t, m->depth)) < 0)
			return r;
		*changed = true;
		return 0;
	}
	if (t->replay) {
		/* A recorded moment moves only when a key says so. */
		if (m->time_samples || m->time_jump) {
			if ((r = move_in_time(t)) < 0)
				return r;
			*changed = true;
		}
		m->sample_now = false;
		return 0;
	}
	if (t->mon_depth >= 0 && (m->depth < 0 || m->depth > t->mon_depth)) {
		/* + asked for a level the monitor does not read: a new one (its first sample has no rates). */
		r = open_monitor(t, m->depth);
		if (r == -ENOENT)
			return r;
		if (r < 0) {
			snprintf(m->message, sizeof(m->message), "cannot read one level more: %s", strerror(-r));
			m->depth = t->mon_depth;
		}
		*changed = true;
	}
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	bool due = since(&t->next, &now) >= 0;
	if (due && t->o->iterations >= 0 && t->samples >= t->o->iterations)
		return 1;
	if (due || m->sample_now) {
		m->sample_now = false;
		if ((r = sample(t, !due)) < 0)
			return r;
		*changed = true;
	}
	return 0;
}

/* ---- the loop ---- */

/* Why the loop ended, for the message after the screen is gone. */
struct outcome {
	int status;
	int err;       /* -errno, or 0 */
	bool finished; /* -n N samples were shown: the last screen stays */
};

static struct outcome run(struct tui *t, int in_fd, int wake_rd)
{
	struct tui_model *m = &t->model;
	bool dirty = true;
	int r;

	while (!quit_signal) {
		bool changed;
		if ((r = sample_when_due(t, &changed)) < 0)
			return (struct outcome){ EXIT_FAILURE, r };
		if (r == 1)
			return (struct outcome){ EXIT_SUCCESS, 0, true };
		if (changed || dirty) {
			struct nstk_cg_frame f;
			current_frame(t, &f);
			if ((r = tui_model_build(m, f.rows, f.n)) < 0)
				return (struct outcome){ EXIT_FAILURE, r };
			tui_draw(m, &f, &t->look);
			dirty = false;
		}
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		/* A recorded moment waits for keys only. */
		double wait = t->replay ? 3600 : since(&now, &t->next);
		struct pollfd fds[2] = { { .fd = in_fd, .events = POLLIN }, { .fd = wake_rd, .events = POLLIN } };
		int n = poll(fds, 2, wait > 0 ? (int)(wait * 1000) + 1 : 0);
		if (n < 0 && errno != EINTR)
			return (struct outcome){ EXIT_FAILURE, -errno };
		if (n > 0 && fds[0].revents & (POLLHUP | POLLERR))
			return (struct outcome){ EXIT_SUCCESS, 0 }; /* the terminal went away */
		if (n > 0 && fds[1].revents & POLLIN) {
			char drain[64];
			while (read(wake_rd, drain, sizeof(drain)) > 0)
				;
		}
		/* Keys, and a KEY_RESIZE that a SIGWINCH (which ends poll early) leaves. */
		wint_t ch;
		int ret;
		while ((ret = get_wch(&ch)) != ERR) {
			if (tui_key(m, ret, ch, tui_page_lines()))
				return (struct outcome){ EXIT_SUCCESS, 0 };
			dirty = true;
		}
	}
	return (struct outcome){ EXIT_SUCCESS, 0 };
}

/* ---- the terminal ---- */

/* What the screen holds of the terminal: all that terminal_close() gives back. */
struct terminal {
	FILE *in;    /* keys: stdin, or /dev/tty when stdin is redirected */
	int wake[2]; /* the self-pipe the quit signals and SIGWINCH write to */
	SCREEN *screen;
	struct sigaction old_quit[3];
};

#define TERMINAL_INIT { .wake = { -1, -1 } }

/* Take the terminal: 0, or -1 with the reason on stderr (terminal_close() undoes what was done). */
static int terminal_open(struct terminal *term)
{
	/* Keys come from the terminal even when standard input is redirected. */
	term->in = stdin;
	if (!isatty(STDIN_FILENO) && !(term->in = fopen("/dev/tty", "re"))) {
		tool_warn("the interactive screen needs a terminal to read keys from; use -b");
		return -1;
	}
	if (pipe2(term->wake, O_CLOEXEC | O_NONBLOCK) < 0) {
		tool_warn("cannot make a pipe: %s", strerror(errno));
		term->wake[0] = term->wake[1] = -1;
		return -1;
	}
	if (!(term->screen = newterm(NULL, stdout, term->in))) {
		const char *name = getenv("TERM");
		tool_warn("cannot drive terminal type '%s'; use -b", name ? name : "");
		return -1;
	}

	struct sigaction sa = { .sa_handler = on_quit_signal };
	wake_fd = term->wake[1];
	for (size_t i = 0; i < NSTK_ARRAY_SIZE(quit_signals); i++)
		sigaction(quit_signals[i], &sa, &term->old_quit[i]);
	/* A resize must end the wait too, not only set ncurses's flag: chain to its handler. */
	struct sigaction winch = { .sa_sigaction = on_winch, .sa_flags = SA_SIGINFO | SA_RESTART };
	sigaction(SIGWINCH, &winch, &curses_winch);

	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	return 0;
}

/* The one teardown, however far terminal_open() got; last_screen (or NULL) is printed after endwin(). */
static void terminal_close(struct terminal *term, const char *last_screen)
{
	if (term->screen) {
		endwin();
		if (last_screen)
			fputs(last_screen, stdout);
		sigaction(SIGWINCH, &curses_winch, NULL);
		delscreen(term->screen);
		for (size_t i = 0; i < NSTK_ARRAY_SIZE(quit_signals); i++)
			sigaction(quit_signals[i], &term->old_quit[i], NULL);
		wake_fd = -1;
	}
	if (term->wake[0] >= 0) {
		close(term->wake[0]);
		close(term->wake[1]);
	}
	if (term->in && term->in != stdin)
		fclose(term->in);
}

int cgtop_interactive(const struct cgtop_options *given)
{
	/* -P is batch mode's (every cgroup's processes): the screen reads one
	 * cgroup's, its open process list's, and only while it is open. */
	struct cgtop_options screen = *given;
	screen.processes = false;
	const struct cgtop_options *o = &screen;
	struct tui t = { .o = o };
	struct terminal term = TERMINAL_INIT;
	struct outcome out = { EXIT_FAILURE, 0, false };
	_cleanup_free_ char *last_screen = NULL;

	/*
	 * The screen opens a monitor that reads what its columns need (pressure
	 * too, which the batch table does not show), and again when + asks for
	 * a level below the ones it reads.
	 */
	tui_model_init(&t.model, o);
	int r = o->at_given ? open_replay(&t) : live_trends_from_store(&t);
	if (r == 0 && !o->at_given)
		r = open_monitor(&t, o->depth);
	if (r < 0 && o->at_given) {
		out.status = r == -ENOENT && t.store ? tool_fail("%s holds no sample", o->store)
						     : cgtop_store_error(o->store, r);
	} else if (r < 0) {
		out.status = cgtop_monitor_error(o, r);
	} else if (terminal_open(&term) == 0) {
		tui_look_setup(&t.look, o->utf8);
		out = run(&t, fileno(term.in), term.wake[0]);
		if (out.finished)
			last_screen = tui_screen_text();
	}
	terminal_close(&term, last_screen);

	if (out.err < 0 && t.replay)
		cgtop_store_error(o->store, out.err);
	else if (out.err < 0)
		cgtop_sample_error(o, out.err);
	close_replay(&t);
	nstk_cg_monitor_free(t.mon);
	tui_model_free(&t.model);
	return out.status;
}
