// libedit for Swift: el_set, el_get and history are C variadic functions, which Swift
// cannot call, and Swift 6 will not touch the C globals stdin/stdout/stderr. Each use
// gets a one-line static inline wrapper here.
#ifndef FP_CEDITLINE_SHIM_H
#define FP_CEDITLINE_SHIM_H

#include <stdio.h>
#include <locale.h>
#include <histedit.h>

static inline EditLine *fp_el_init(const char *prog) { return el_init(prog, stdin, stdout, stderr); }
static inline int fp_el_set_prompt(EditLine *e, char *(*f)(EditLine *)) { return el_set(e, EL_PROMPT, f); }
static inline int fp_el_set_editor(EditLine *e, const char *mode) { return el_set(e, EL_EDITOR, mode); }
static inline int fp_el_set_signal(EditLine *e, int on) { return el_set(e, EL_SIGNAL, on); }
static inline int fp_el_set_history(EditLine *e, History *h) { return el_set(e, EL_HIST, history, h); }
static inline int fp_el_set_clientdata(EditLine *e, void *d) { return el_set(e, EL_CLIENTDATA, d); }
static inline void *fp_el_get_clientdata(EditLine *e) { void *d = NULL; el_get(e, EL_CLIENTDATA, &d); return d; }
static inline int fp_el_add_function(EditLine *e, const char *name, const char *help,
                                     unsigned char (*f)(EditLine *, int)) {
    return el_set(e, EL_ADDFN, name, help, f);
}
static inline int fp_el_bind(EditLine *e, const char *key, const char *fn) { return el_set(e, EL_BIND, key, fn, NULL); }

static inline int fp_history_setsize(History *h, int n) { HistEvent ev; return history(h, &ev, H_SETSIZE, n); }
static inline int fp_history_unique(History *h, int on) { HistEvent ev; return history(h, &ev, H_SETUNIQUE, on); }
static inline int fp_history_enter(History *h, const char *line) { HistEvent ev; return history(h, &ev, H_ENTER, line); }
static inline int fp_history_load(History *h, const char *path) { HistEvent ev; return history(h, &ev, H_LOAD, path); }
static inline int fp_history_save(History *h, const char *path) { HistEvent ev; return history(h, &ev, H_SAVE, path); }

static inline FILE *fp_stdout(void) { return stdout; }
static inline History *fp_history_init(void) { return history_init(); }
static inline int fp_el_set_hist(EditLine *e, History *h) { return el_set(e, EL_HIST, history, h); }
static inline int fp_el_set_addfn_bind(EditLine *e, const char *name, const char *help,
                                       unsigned char (*f)(EditLine *, int), const char *key) {
    if (el_set(e, EL_ADDFN, name, help, f) != 0) return -1;
    return el_set(e, EL_BIND, key, name, NULL);
}
#include <string.h>
static inline const char *fp_setlocale_ctype(void) {
    const char *l = setlocale(LC_CTYPE, "");
    if (l == NULL || strcmp(l, "C") == 0 || strcmp(l, "POSIX") == 0) l = setlocale(LC_CTYPE, "C.UTF-8");
    return l;
}
static inline FILE *fp_stderr(void) { return stderr; }

/* The width in cells of the terminal `fd` is, or 0 when it is not one. */
#include <sys/ioctl.h>
static inline int fp_terminal_columns(int fd) {
    struct winsize w;
    if (ioctl(fd, TIOCGWINSZ, &w) == 0 && w.ws_col > 0) return w.ws_col;
    return 0;
}

#endif
