// Ctrl-C for fprepl: SIGINT sets a flag that long commands look at between steps, so
// they stop where nothing is half-written; a second Ctrl-C before the first was seen
// ends the program at once, as the default action would. The handler has no
// SA_RESTART, so a read waiting at a prompt (libedit's el_gets, the replay's step
// prompt) returns with EINTR and the line is cancelled.
#ifndef FP_CINTERRUPT_H
#define FP_CINTERRUPT_H

/// Installs the SIGINT handler; call it on the main thread, which gets every SIGINT.
void fp_interrupt_install(void);

/// Whether SIGINT arrived since the last fp_interrupt_clear().
int fp_interrupt_pending(void);

/// Forgets an interrupt that was dealt with.
void fp_interrupt_clear(void);

#endif
