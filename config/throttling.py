"""API rate limits as fixed-window counters: one cache round trip per request.

DRF's own throttles keep a list of request times per client, read it and write
it back on every request (two round trips and a pickled list as long as the
rate), which cost more than the rest of a cheap authenticated GET. A counter
per client and window, bumped with one atomic INCR, enforces the same rate;
the price is that a client may spend one window's allowance at its end and the
next one's at the start, up to twice the rate over a window that straddles the
boundary, which is acceptable for limits meant to stop abuse, not to meter.
"""

from rest_framework import throttling

from config.ratelimit import incr_window


class WindowRateThrottle(throttling.SimpleRateThrottle):
    """SimpleRateThrottle's rates and cache keys, counted in aligned windows."""

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        # Windows aligned to the epoch: the window's number is in the key, so a
        # key never outlives its window and no reset has to be timed.
        window = int(self.now // self.duration)
        self.window_end = (window + 1) * self.duration
        count = incr_window(f"{self.key}:{window}", self.duration)
        return count <= self.num_requests

    def wait(self):
        return max(0.0, self.window_end - self.now)


class AnonRateThrottle(WindowRateThrottle, throttling.AnonRateThrottle):
    """Per client address, for requests without a signed-in user."""


class UserRateThrottle(WindowRateThrottle, throttling.UserRateThrottle):
    """Per signed-in user (per address for anonymous requests)."""
