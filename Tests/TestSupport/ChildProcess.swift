import Foundation

extension Process {
    /// Starts the process with no signal blocked, whatever thread the test runs on.
    ///
    /// A child inherits the blocked-signal mask of the thread that starts it, and the
    /// test runner's threads (Dispatch's workers, where Swift tasks run) block nearly
    /// every signal. A child started from one with `run()` would ignore SIGTERM, SIGINT
    /// and SIGHUP: `kill`, tmux's `kill-server` and Ctrl-C in a test terminal would not
    /// end it, and it would outlive the suite. So the calling thread's mask is emptied
    /// for the moment of the start and then put back.
    public func runWithCleanSignalMask() throws {
        var none = sigset_t(), saved = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, &saved)
        defer { pthread_sigmask(SIG_SETMASK, &saved, nil) }
        try run()
    }
}
