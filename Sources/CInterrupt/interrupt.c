#include "CInterrupt.h"

#include <pthread.h>
#include <signal.h>
#include <string.h>

static volatile sig_atomic_t pending = 0;
static pthread_t main_thread;

static void on_sigint(int sig) {
    if (!pthread_equal(pthread_self(), main_thread)) {
        // Caught by another thread (a worker that does not block it): the main thread
        // is the one waiting at a prompt, and only its read returns EINTR.
        pthread_kill(main_thread, sig);
        return;
    }
    if (pending) {
        // Nobody looked at the first one: the user means it.
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    pending = 1;
}

void fp_interrupt_install(void) {
    main_thread = pthread_self();
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: a waiting read returns EINTR
    sigaction(SIGINT, &sa, NULL);
}

int fp_interrupt_pending(void) { return pending != 0; }

void fp_interrupt_clear(void) { pending = 0; }
