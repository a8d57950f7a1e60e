package dev.parley.chat.server;

import java.time.Duration;

/** Counts HTTP requests being handled, so that shutdown can wait for them before closing the service. */
final class InFlight {
    private int active;

    synchronized void enter() {
        active++;
    }

    synchronized void exit() {
        active--;
        if (active == 0) {
            notifyAll();
        }
    }

    /**
     * Waits until no request is being handled, or the timeout passes.
     *
     * @return whether all requests finished
     */
    synchronized boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (active > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }
}
